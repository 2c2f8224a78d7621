import type { Selectable } from 'kysely';
import type { ConversationMessagesTable, ConversationsTable } from '../db/schema.js';
import type { ConversationSummary, Message } from './schemas.js';

export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<ConversationMessagesTable>;

/** The columns a conversation's answer shows: lists read only these. */
export const SUMMARY_COLUMNS = [
  'id',
  'call_id',
  'agent_id',
  'direction',
  'status',
  'started_at',
  'answered_at',
  'ended_at',
  'duration_seconds',
  'ended_reason',
] as const;
export type ConversationSummaryRow = Pick<ConversationRow, (typeof SUMMARY_COLUMNS)[number]>;

export function toConversationSummary(row: ConversationSummaryRow): ConversationSummary {
  return {
    id: row.id,
    callId: row.call_id,
    agentId: row.agent_id,
    direction: row.direction,
    status: row.status,
    startedAt: row.started_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    durationSeconds: row.duration_seconds,
    endedReason: row.ended_reason,
  };
}

export function toMessage(row: MessageRow): Message {
  return { role: row.role, text: row.text, at: row.at };
}
