import { type Static, Type } from 'typebox';
import { CallStatusSchema } from '../calls/schemas.js';
import { BusinessParams, businessChildParams, stringEnum } from '../http/route-kit.js';
import { idOf, NullableTimestamp, PageQuery, pageOf, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { ConversationService } from './service.js';

const summaryFields = {
  id: idOf('conv'),
  callId: idOf('call'),
  agentId: idOf('agt'),
  direction: stringEnum(['outbound'] as const),
  status: CallStatusSchema,
  startedAt: Timestamp,
  answeredAt: NullableTimestamp,
  endedAt: NullableTimestamp,
  durationSeconds: Type.Integer(),
  endedReason: Type.Union([Type.String(), Type.Null()]),
};

export const ConversationSummarySchema = Type.Object(summaryFields, {
  title: 'ConversationSummary',
  description: 'A conversation without its transcript, as lists give it.',
});

export const MessageSchema = Type.Object(
  {
    role: stringEnum(['agent', 'user', 'system'] as const),
    text: Type.String(),
    at: Timestamp,
  },
  { title: 'Message' },
);

export const ConversationSchema = Type.Object(
  { ...summaryFields, messages: Type.Array(MessageSchema, { description: 'In order.' }) },
  { title: 'Conversation' },
);
export type Conversation = Static<typeof ConversationSchema>;

const Time = (description: string) =>
  Type.String({ format: 'date-time', description, examples: ['2026-11-28T00:00:00Z'] });

const ListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(CallStatusSchema),
  direction: Type.Optional(stringEnum(['outbound'] as const)),
  agentId: Type.Optional(Type.String({ maxLength: 64 })),
  startedAfter: Type.Optional(Time('Only conversations started at or after this time.')),
  startedBefore: Type.Optional(Time('Only conversations started before this time.')),
});

const ConversationParams = businessChildParams('conversationId');

const tags = ['Conversations'];

export function registerConversationRoutes(
  app: App,
  deps: { conversations: ConversationService },
): void {
  const { conversations } = deps;

  app.get(
    '/api/v1/businesses/:businessId/conversations',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Conversation history, newest first (without transcripts)',
        params: BusinessParams,
        querystring: ListQuery,
        response: { 200: pageOf(ConversationSummarySchema) },
      },
    },
    async (request) => {
      const { limit, ...filters } = request.query;
      return conversations.list(request.business.id, { ...filters, limit: limit ?? 20 });
    },
  );

  app.get(
    '/api/v1/businesses/:businessId/conversations/:conversationId',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'One conversation with its transcript',
        params: ConversationParams,
        response: { 200: ConversationSchema },
      },
    },
    async (request) => conversations.get(request.business.id, request.params.conversationId),
  );
}
