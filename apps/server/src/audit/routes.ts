import { pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { AuditEventSchema, AuditQuery } from './schemas.js';
import type { AuditService } from './service.js';

export function registerAuditRoutes(app: App, deps: { audit: AuditService }): void {
  app.get(
    '/api/v1/user/audit-events',
    {
      config: { access: 'userManagement' },
      schema: {
        tags: ['Audit log'],
        summary: "The account's audit log, newest first",
        description:
          'A session or an unrestricted key sees every event; a restricted key sees the events of its businesses and the `api_key.*` events of keys it can see.',
        querystring: AuditQuery,
        response: { 200: pageOf(AuditEventSchema) },
      },
    },
    async (request) => deps.audit.list(request.principal, request.query),
  );
}
