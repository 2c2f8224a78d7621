import { type Static, Type } from 'typebox';
import { stringEnum } from '../http/route-kit.js';
import { idOf, PageQuery, Timestamp } from '../http/schemas.js';

export const BillingSchema = Type.Object(
  {
    plan: stringEnum(['free', 'prepaid'] as const, {
      description: '`free` until an operator adds credit, then `prepaid`.',
    }),
    creditMinutes: Type.Integer({
      description:
        'The balance: call minutes left, including those held by calls in flight (`heldMinutes`).',
    }),
    heldMinutes: Type.Integer({
      description:
        'Minutes reserved by calls in flight: each accepted call holds the longest a call may last until it ends, then draws only what it used. A new call is refused (402) when `creditMinutes - heldMinutes` is less than one hold.',
    }),
    currentPeriod: Type.Object(
      {
        start: Timestamp,
        end: Timestamp,
        calls: Type.Integer({ description: 'Completed calls billed in the period.' }),
        minutes: Type.Integer({ description: 'Billed minutes (each call rounded up).' }),
        seconds: Type.Integer({ description: 'Talk time in seconds.' }),
      },
      { description: 'The calendar month (UTC) so far.' },
    ),
  },
  { title: 'Billing' },
);
export type Billing = Static<typeof BillingSchema>;

export const UsageRecordSchema = Type.Object(
  {
    callId: idOf('call'),
    businessId: idOf('biz'),
    conversationId: idOf('conv'),
    durationSeconds: Type.Integer(),
    minutes: Type.Integer({ description: 'Billed minutes: the duration rounded up.' }),
    endedAt: Timestamp,
  },
  { title: 'UsageRecord' },
);
export type UsageRecord = Static<typeof UsageRecordSchema>;

export const Time = (description: string) => Type.String({ format: 'date-time', description });

export const UsageQuery = Type.Object({
  ...PageQuery,
  businessId: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Time('Only calls that ended at or after this time.')),
  to: Type.Optional(Time('Only calls that ended before this time.')),
});
