import type { Updateable } from 'kysely';
import { limitOf } from '../db/limit.js';
import type { CallStatus, ConversationsTable, Db } from '../db/schema.js';
import {
  type ConversationRow,
  type ConversationSummaryRow,
  type MessageRow,
  SUMMARY_COLUMNS,
} from './views.js';

export async function insertConversation(db: Db, row: ConversationRow): Promise<void> {
  await db.insertInto('conversations').values(row).execute();
}

export async function updateConversation(
  db: Db,
  id: string,
  patch: Updateable<ConversationsTable>,
): Promise<ConversationRow | undefined> {
  return db
    .updateTable('conversations')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function findConversation(
  db: Db,
  businessId: string,
  id: string,
): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface ConversationListQuery {
  businessId: string;
  status?: CallStatus;
  direction?: 'outbound';
  agentId?: string;
  startedAfter?: string;
  startedBefore?: string;
  /** Keyset: ids strictly older than this one. */
  before?: string;
  limit: number;
}

/**
 * Newest first by id. Ids sort by creation time and never change, so a page boundary is a fixed
 * point: rows inserted while a client pages land before its first page, never in between, and
 * every query walks an index that starts with the business.
 */
export async function listConversations(
  db: Db,
  q: ConversationListQuery,
): Promise<ConversationSummaryRow[]> {
  // Only what the answer shows: each column read is a string made per row.
  let query = db
    .selectFrom('conversations')
    .select(SUMMARY_COLUMNS)
    .where('business_id', '=', q.businessId)
    .orderBy('id', 'desc')
    .limit(limitOf(q.limit));
  if (q.status) query = query.where('status', '=', q.status);
  if (q.direction) query = query.where('direction', '=', q.direction);
  if (q.agentId) query = query.where('agent_id', '=', q.agentId);
  if (q.startedAfter) query = query.where('started_at', '>=', q.startedAfter);
  if (q.startedBefore) query = query.where('started_at', '<', q.startedBefore);
  if (q.before) query = query.where('id', '<', q.before);
  return query.execute();
}

export async function listMessages(db: Db, conversationId: string): Promise<MessageRow[]> {
  return db
    .selectFrom('conversation_messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('seq', 'asc')
    .execute();
}

/** Appends after whatever the conversation already holds. */
export async function appendMessages(
  db: Db,
  conversationId: string,
  messages: Omit<MessageRow, 'conversation_id' | 'seq'>[],
): Promise<void> {
  if (messages.length === 0) return;
  const last = await db
    .selectFrom('conversation_messages')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  const start = Number(last?.seq ?? 0);
  await db
    .insertInto('conversation_messages')
    .values(messages.map((m, i) => ({ ...m, conversation_id: conversationId, seq: start + i + 1 })))
    .execute();
}
