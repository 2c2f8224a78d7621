import type { Selectable } from 'kysely';
import type { CallStatus, CallsTable } from '../db/schema.js';
import type { AgentSnapshot, DialRequest } from '../telephony/provider.js';
import type { Call } from './schemas.js';

export type { AgentSnapshot, FinalStatus } from '../telephony/provider.js';

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

export function toCallView(row: CallRow): Call {
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

/** The call as its carrier sees it. */
export function toDialRequest(row: CallRow): DialRequest {
  return {
    callId: row.id,
    businessId: row.business_id,
    to: row.to_number,
    from: row.from_number,
    agent: JSON.parse(row.agent_snapshot) as AgentSnapshot,
    dialedAt: row.dialed_at ?? row.created_at,
    providerCallId: row.provider_call_id,
    answeredAt: row.answered_at,
  };
}
