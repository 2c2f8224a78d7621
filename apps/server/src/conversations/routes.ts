import { BusinessParams } from '../http/route-kit.js';
import { pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import {
  ConversationParams,
  ConversationSchema,
  ConversationSummarySchema,
  ListQuery,
} from './schemas.js';
import type { ConversationService } from './service.js';

const tags = ['Conversations'];

export function registerConversationRoutes(
  app: App,
  deps: { conversations: ConversationService },
): void {
  const { conversations } = deps;

  app.get(
    '/api/v1/businesses/:businessId/conversations',
    {
      config: { access: 'business', resource: 'conversations' },
      schema: {
        tags,
        summary: 'Conversation history, newest first (without transcripts)',
        params: BusinessParams,
        querystring: ListQuery,
        response: { 200: pageOf(ConversationSummarySchema) },
      },
    },
    async (request) => conversations.list(request.business.id, request.query),
  );

  app.get(
    '/api/v1/businesses/:businessId/conversations/:conversationId',
    {
      config: { access: 'business', resource: 'conversations' },
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
