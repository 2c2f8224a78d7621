import { type Static, Type } from 'typebox';
import { CallStatusSchema } from '../calls/schemas.js';
import { businessChildParams, stringEnum } from '../http/route-kit.js';
import { idOf, NullableString, NullableTimestamp, PageQuery, Timestamp } from '../http/schemas.js';

export const summaryFields = {
  id: idOf('conv'),
  callId: idOf('call'),
  agentId: idOf('agt'),
  direction: stringEnum(['outbound'] as const),
  status: CallStatusSchema,
  startedAt: Timestamp,
  answeredAt: NullableTimestamp,
  endedAt: NullableTimestamp,
  durationSeconds: Type.Integer(),
  endedReason: NullableString(),
};

export const ConversationSummarySchema = Type.Object(summaryFields, {
  title: 'ConversationSummary',
  description: 'A conversation without its transcript, as lists give it.',
});
export type ConversationSummary = Static<typeof ConversationSummarySchema>;

export const MessageSchema = Type.Object(
  {
    role: stringEnum(['agent', 'user', 'system'] as const),
    text: Type.String(),
    at: Timestamp,
  },
  { title: 'Message' },
);
export type Message = Static<typeof MessageSchema>;

export const ConversationSchema = Type.Object(
  { ...summaryFields, messages: Type.Array(MessageSchema, { description: 'In order.' }) },
  { title: 'Conversation' },
);
export type Conversation = Static<typeof ConversationSchema>;

export const Time = (description: string) =>
  Type.String({ format: 'date-time', description, examples: ['2026-11-28T00:00:00Z'] });

export const ListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(CallStatusSchema),
  direction: Type.Optional(stringEnum(['outbound'] as const)),
  agentId: Type.Optional(Type.String({ maxLength: 64 })),
  startedAfter: Type.Optional(Time('Only conversations started at or after this time.')),
  startedBefore: Type.Optional(Time('Only conversations started before this time.')),
});

export const ConversationParams = businessChildParams('conversationId');
