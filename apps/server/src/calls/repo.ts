import type { UpdateObject } from 'kysely';
import { limitOf } from '../db/limit.js';
import type { CallStatus, Database, Db } from '../db/schema.js';
import type { CallRow } from './views.js';

export async function insertCall(db: Db, row: CallRow): Promise<void> {
  await db.insertInto('calls').values(row).execute();
}

export async function findCall(
  db: Db,
  businessId: string,
  callId: string,
): Promise<CallRow | undefined> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('id', '=', callId)
    .executeTakeFirst();
}

/** By id alone: for the dispatcher and provider callbacks, which act across businesses. */
export async function findCallById(db: Db, callId: string): Promise<CallRow | undefined> {
  return db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
}

export interface CallListQuery {
  businessId: string;
  status?: CallStatus;
  agentId?: string;
  to?: string;
  /** Inclusive, ISO-8601 UTC. */
  createdAfter?: string;
  /** Exclusive, ISO-8601 UTC. */
  createdBefore?: string;
  before?: string;
  limit: number;
}

/** Newest first by id (ids sort by creation time). */
export async function listCalls(db: Db, q: CallListQuery): Promise<CallRow[]> {
  let query = db
    .selectFrom('calls')
    .selectAll()
    .where('business_id', '=', q.businessId)
    .orderBy('id', 'desc')
    .limit(limitOf(q.limit));
  if (q.status) query = query.where('status', '=', q.status);
  if (q.agentId) query = query.where('agent_id', '=', q.agentId);
  if (q.to) query = query.where('to_number', '=', q.to);
  if (q.createdAfter) query = query.where('created_at', '>=', q.createdAfter);
  if (q.createdBefore) query = query.where('created_at', '<', q.createdBefore);
  if (q.before) query = query.where('id', '<', q.before);
  return query.execute();
}

/**
 * Moves a call on only from one of `from`: the guard that makes every transition happen once,
 * whichever worker, callback or request gets there first. Undefined when the call was elsewhere.
 */
export async function transitionCall(
  db: Db,
  callId: string,
  from: readonly CallStatus[],
  patch: UpdateObject<Database, 'calls'>,
  extra: { claimedBy?: string } = {},
): Promise<CallRow | undefined> {
  let query = db
    .updateTable('calls')
    .set(patch)
    .where('id', '=', callId)
    .where('status', 'in', [...from]);
  if (extra.claimedBy) query = query.where('claimed_by', '=', extra.claimedBy);
  return query.returningAll().executeTakeFirst();
}

export async function setProviderCallId(db: Db, callId: string, sid: string): Promise<void> {
  await db
    .updateTable('calls')
    .set({ provider_call_id: sid, updated_at: new Date().toISOString() })
    .where('id', '=', callId)
    .execute();
}
