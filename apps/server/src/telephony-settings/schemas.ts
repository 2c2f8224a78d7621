import { type Static, Type } from 'typebox';
import { PhoneNumber } from '../http/phone-number.js';
import { stringEnum } from '../http/route-kit.js';
import { NullableString, NullableTimestamp } from '../http/schemas.js';

export const TelephonySchema = Type.Object(
  {
    provider: stringEnum(['simulator', 'twilio'] as const),
    accountSid: NullableString({ description: 'Twilio account SID.' }),
    fromNumber: NullableString({
      description: 'Caller id of new calls that name none.',
    }),
    updatedAt: NullableTimestamp,
  },
  { title: 'Telephony', description: 'The auth token is write-only: it is never returned.' },
);
export type Telephony = Static<typeof TelephonySchema>;

export const SimulatorSettings = Type.Object(
  { provider: Type.Literal('simulator') },
  {
    additionalProperties: false,
    title: 'Simulator',
    description: 'The built-in sandbox carrier: no account needed.',
  },
);
export const TwilioSettings = Type.Object(
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
