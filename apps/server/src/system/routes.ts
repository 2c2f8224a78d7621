import { Type } from 'typebox';
import { ApiError } from '../http/errors.js';
import type { App } from '../http/types.js';

const Status = Type.Object({ status: Type.String({ examples: ['ok'] }) });
const tags = ['Service'];

export function registerSystemRoutes(app: App, deps: { ping: () => Promise<void> }): void {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      logLevel: 'warn',
      schema: { tags, summary: 'The process is up', response: { 200: Status } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      logLevel: 'warn',
      schema: { tags, summary: 'The database answers', response: { 200: Status } },
    },
    async (request) => {
      try {
        await deps.ping();
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        throw new ApiError('service_unavailable', 'The database is not reachable.');
      }
      return { status: 'ok' };
    },
  );
}
