import { actorOf } from '../auth/principal.js';
import type { App } from '../http/types.js';
import { PutWhitelabelBody, WhitelabelSchema } from './schemas.js';
import type { WhitelabelService } from './service.js';

const tags = ['User'];

export function registerWhitelabelRoutes(app: App, deps: { whitelabel: WhitelabelService }): void {
  const { whitelabel } = deps;

  app.get(
    '/api/v1/user/whitelabel',
    {
      config: { access: 'userManagement' },
      schema: {
        tags,
        summary: 'White-label settings the dashboard shows',
        response: { 200: WhitelabelSchema },
      },
    },
    async (request) => whitelabel.get(request.principal.userId),
  );

  app.put(
    '/api/v1/user/whitelabel',
    {
      config: { access: 'userManagement' },
      schema: {
        tags,
        summary: 'Replace the white-label settings (omitted fields are cleared)',
        body: PutWhitelabelBody,
        response: { 200: WhitelabelSchema },
      },
    },
    async (request) =>
      whitelabel.put(request.principal.userId, request.body, actorOf(request.principal)),
  );
}
