import type { Selectable } from 'kysely';
import type { CallStatus, CallsTable, ProviderName } from '../db/schema.js';

export type CallRow = Selectable<CallsTable>;

export const CALL_STATUSES: readonly CallStatus[] = [
  'queued',
  'ringing',
  'in_progress',
  'completed',
  'failed',
  'no_answer',
  'busy',
  'canceled',
];
/** Statuses a call can still leave. */
export const ACTIVE_STATUSES: readonly CallStatus[] = ['queued', 'ringing', 'in_progress'];
export type FinalStatus = Exclude<CallStatus, 'queued' | 'ringing' | 'in_progress'>;

/** What the provider is asked to play: the agent as it was when the call was accepted. */
export interface AgentSnapshot {
  name: string;
  language: string;
  voice: string;
  /** The greeting with the call's variables filled in. */
  greeting: string;
  instructions: string;
  businessName: string;
}

export interface CallView {
  id: string;
  status: CallStatus;
  direction: 'outbound';
  agentId: string;
  conversationId: string;
  to: string;
  from: string;
  variables: Record<string, string>;
  metadata: Record<string, string>;
  provider: ProviderName;
  endedReason: string | null;
  durationSeconds: number;
  createdAt: string;
  updatedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
}

export function toCallView(row: CallRow): CallView {
  return {
    id: row.id,
    status: row.status,
    direction: row.direction,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    to: row.to_number,
    from: row.from_number,
    variables: JSON.parse(row.variables) as Record<string, string>,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    provider: row.provider,
    endedReason: row.ended_reason,
    durationSeconds: row.duration_seconds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
  };
}

export function snapshotOf(row: CallRow): AgentSnapshot {
  return JSON.parse(row.agent_snapshot) as AgentSnapshot;
}
