import { actorOf } from '../auth/actor.js';
import { routeGroup } from '../http/route-kit.js';
import type { App } from '../http/types.js';
import { PutWhitelabelBody, WhitelabelSchema } from './schemas.js';
import type { WhitelabelService } from './service.js';

const userManagementRoute = routeGroup('User', { access: 'userManagement' });

export function registerWhitelabelRoutes(app: App, deps: { whitelabel: WhitelabelService }): void {
  const { whitelabel } = deps;

  app.get(
    '/api/v1/user/whitelabel',
    userManagementRoute({
      summary: 'White-label settings the dashboard shows',
      response: { 200: WhitelabelSchema },
    }),
    async (request) => whitelabel.get(request.principal.userId),
  );

  app.put(
    '/api/v1/user/whitelabel',
    userManagementRoute({
      summary: 'Replace the white-label settings (omitted fields are cleared)',
      body: PutWhitelabelBody,
      response: { 200: WhitelabelSchema },
    }),
    async (request) => whitelabel.put(request.principal.userId, request.body, actorOf(request)),
  );
}
