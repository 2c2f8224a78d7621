import { BusinessParams } from '../http/route-kit.js';
import { pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { EventListQuery, EventSchema } from './schemas.js';
import type { EventService } from './service.js';

export function registerEventRoutes(app: App, deps: { events: EventService }): void {
  app.get(
    '/api/v1/businesses/:businessId/events',
    {
      config: { access: 'business', resource: ['webhooks', 'calls'] },
      schema: {
        tags: ['Webhooks'],
        summary: 'The event log of a business, newest first: fetch an event a receiver missed',
        description:
          'Events are kept 30 days (longer while a delivery still waits on them), whether or not an endpoint received them.',
        params: BusinessParams,
        querystring: EventListQuery,
        response: { 200: pageOf(EventSchema) },
      },
    },
    async (request) => deps.events.list(request.business.id, request.query),
  );
}
