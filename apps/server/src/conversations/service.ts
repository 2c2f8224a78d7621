import type { Kysely } from 'kysely';
import type { CallStatus, Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { CursorCodec, Page } from '../http/pagination.js';
import { isoTime, paginate } from '../http/route-kit.js';
import { isId } from '../ids.js';
import { findConversation, listConversations, listMessages } from './repo.js';
import type { ConversationSummary, Message } from './schemas.js';
import { toConversationSummary, toMessage } from './views.js';

export interface ConversationQuery {
  limit?: number;
  cursor?: string;
  status?: CallStatus;
  direction?: 'outbound';
  agentId?: string;
  startedAfter?: string;
  startedBefore?: string;
}

export type ConversationService = ReturnType<typeof conversationService>;

export function conversationService({
  db,
  cursors,
}: {
  db: Kysely<Database>;
  cursors: CursorCodec;
}) {
  return {
    async list(businessId: string, q: ConversationQuery): Promise<Page<ConversationSummary>> {
      const startedAfter = q.startedAfter ? isoTime(q.startedAfter, 'startedAfter') : undefined;
      const startedBefore = q.startedBefore ? isoTime(q.startedBefore, 'startedBefore') : undefined;
      return paginate(
        cursors,
        q,
        (page) =>
          listConversations(db, {
            businessId,
            status: q.status,
            direction: q.direction,
            agentId: q.agentId,
            startedAfter,
            startedBefore,
            ...page,
          }),
        (r) => r.id,
        toConversationSummary,
      );
    },

    async get(
      businessId: string,
      conversationId: string,
    ): Promise<ConversationSummary & { messages: Message[] }> {
      const row = isId('conv', conversationId)
        ? await findConversation(db, businessId, conversationId)
        : undefined;
      if (!row) throw new ApiError('not_found');
      const messages = await listMessages(db, row.id);
      return { ...toConversationSummary(row), messages: messages.map(toMessage) };
    },
  };
}
