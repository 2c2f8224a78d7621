import { type Static, Type } from 'typebox';
import type { CallStatus } from '../db/schema.js';
import { PhoneNumber } from '../http/phone-number.js';
import { Metadata, stringEnum } from '../http/route-kit.js';
import { idOf, NullableString, NullableTimestamp, Timestamp } from '../http/schemas.js';
import { CALL_STATUSES } from './views.js';

export const CallStatusSchema = stringEnum<CallStatus>(CALL_STATUSES, {
  description:
    '`queued` → `ringing` → `in_progress` → `completed`; or it ends `failed`, `no_answer`, `busy` or `canceled`.',
});

const Strings = (description: string, maxProperties: number) =>
  Type.Record(Type.String(), Type.String({ maxLength: 500 }), { maxProperties, description });

export const CallSchema = Type.Object(
  {
    id: idOf('call'),
    status: CallStatusSchema,
    direction: stringEnum(['outbound'] as const),
    agentId: idOf('agt'),
    conversationId: idOf('conv'),
    to: Type.String(),
    from: Type.String(),
    variables: Strings('Values the agent’s `{{variables}}` were filled with.', 50),
    metadata: Metadata('Your own key-value data, returned as given.'),
    provider: stringEnum(['simulator', 'twilio'] as const),
    endedReason: NullableString({
      description:
        'Why it ended: `agent_hangup`, `hangup`, `busy`, `no_answer`, `carrier_error`, `canceled`, `provider_error`, `provider_unreachable` or `dispatch_interrupted`.',
    }),
    durationSeconds: Type.Integer({ description: 'From answer to hang-up; 0 if never answered.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    answeredAt: NullableTimestamp,
    endedAt: NullableTimestamp,
  },
  { title: 'Call' },
);
export type Call = Static<typeof CallSchema>;

export const CreateCallBody = Type.Object(
  {
    agentId: Type.String({ maxLength: 64, description: 'The agent that speaks on the call.' }),
    to: PhoneNumber,
    from: Type.Optional({
      ...PhoneNumber,
      description: "Caller id; defaults to the business's telephony number.",
    }),
    variables: Type.Optional(
      Strings('A value for every `{{variable}}` the agent uses, e.g. `{ "patient": "Sam" }`.', 50),
    ),
    metadata: Type.Optional(Metadata('Your own key-value data (keys 1 to 40 characters).')),
  },
  {
    additionalProperties: false,
    // A whole body that works as sent once the agent id is yours (its greeting uses {{patient}}).
    examples: [
      {
        agentId: 'agt_01jdx7k3m8q9r2s4t6v8w0y2z4',
        to: '+15005550006',
        variables: { patient: 'Sam' },
        metadata: { appointment: 'apt_42' },
      },
    ],
  },
);
export type CreateCallRequest = Static<typeof CreateCallBody>;
