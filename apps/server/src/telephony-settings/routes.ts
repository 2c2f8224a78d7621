import { type Static, Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import { PhoneNumber } from '../http/phone-number.js';
import { BusinessParams, stringEnum } from '../http/route-kit.js';
import { NullableTimestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { TelephonyService } from './service.js';

export const TelephonySchema = Type.Object(
  {
    provider: stringEnum(['simulator', 'twilio'] as const),
    accountSid: Type.Union([Type.String(), Type.Null()], { description: 'Twilio account SID.' }),
    fromNumber: Type.Union([Type.String(), Type.Null()], {
      description: 'Caller id of new calls that name none.',
    }),
    updatedAt: NullableTimestamp,
  },
  { title: 'Telephony', description: 'The auth token is write-only: it is never returned.' },
);
export type Telephony = Static<typeof TelephonySchema>;

const SimulatorSettings = Type.Object(
  { provider: Type.Literal('simulator') },
  {
    additionalProperties: false,
    title: 'Simulator',
    description: 'The built-in sandbox carrier: no account needed.',
  },
);
const TwilioSettings = Type.Object(
  {
    provider: Type.Literal('twilio'),
    accountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$', examples: [`AC${'0'.repeat(32)}`] }),
    authToken: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 256,
        description: 'Stored encrypted, never shown again; may be omitted to keep the stored one.',
      }),
    ),
    fromNumber: PhoneNumber,
  },
  {
    additionalProperties: false,
    title: 'Twilio',
    description: 'Calls through your Twilio account.',
  },
);

export const PutTelephonyBody = Type.Unsafe<
  Static<typeof SimulatorSettings> | Static<typeof TwilioSettings>
>({
  type: 'object',
  discriminator: { propertyName: 'provider' },
  required: ['provider'],
  oneOf: [SimulatorSettings, TwilioSettings],
});

const tags = ['Telephony'];

export function registerTelephonyRoutes(app: App, deps: { telephony: TelephonyService }): void {
  const { telephony } = deps;

  app.get(
    '/api/v1/businesses/:businessId/telephony',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Which carrier places this business’s calls',
        params: BusinessParams,
        response: { 200: TelephonySchema },
      },
    },
    async (request) => telephony.get(request.business.id),
  );

  app.put(
    '/api/v1/businesses/:businessId/telephony',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Choose the carrier: the simulator, or Twilio with your account',
        description:
          'New calls use the new carrier. Switching to the simulator deletes the stored Twilio credentials, so Twilio calls still in flight then end as failed.',
        params: BusinessParams,
        body: PutTelephonyBody,
        response: { 200: TelephonySchema },
      },
    },
    async (request) => telephony.put(request.business, request.body, actorOf(request.principal)),
  );
}
