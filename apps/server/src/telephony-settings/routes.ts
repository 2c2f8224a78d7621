import { actorOf } from '../auth/actor.js';
import { BusinessParams, businessRoutes } from '../http/route-kit.js';
import type { App } from '../http/types.js';
import { PutTelephonyBody, TelephonySchema } from './schemas.js';
import type { TelephonyService } from './service.js';

const route = businessRoutes('telephony', 'Telephony');

export function registerTelephonyRoutes(app: App, deps: { telephony: TelephonyService }): void {
  const { telephony } = deps;

  app.get(
    '/api/v1/businesses/:businessId/telephony',
    route({
      summary: 'Which carrier places this business’s calls',
      params: BusinessParams,
      response: { 200: TelephonySchema },
    }),
    async (request) => telephony.get(request.business.id),
  );

  app.put(
    '/api/v1/businesses/:businessId/telephony',
    route({
      summary: 'Choose the carrier: the simulator, or Twilio with your account',
      description:
        'New calls use the new carrier. Switching to the simulator deletes the stored Twilio credentials, so Twilio calls still in flight then end as failed.',
      params: BusinessParams,
      body: PutTelephonyBody,
      response: { 200: TelephonySchema },
    }),
    async (request) => telephony.put(request.business, request.body, actorOf(request)),
  );
}
