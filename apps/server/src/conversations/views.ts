import type { Selectable } from 'kysely';
import type { CallStatus, ConversationMessagesTable, ConversationsTable } from '../db/schema.js';

export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<ConversationMessagesTable>;

export interface ConversationSummary {
  id: string;
  callId: string;
  agentId: string;
  direction: 'outbound';
  status: CallStatus;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number;
  endedReason: string | null;
}

export interface Message {
  role: 'agent' | 'user' | 'system';
  text: string;
  at: string;
}

export function toConversationSummary(row: ConversationRow): ConversationSummary {
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
