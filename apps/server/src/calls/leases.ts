import type { CallStatus, Db } from '../db/schema.js';

/*
 * A worker's bookkeeping of the calls it holds: renewing their leases (the heartbeat), letting
 * them go, and taking over a dead predecessor's on SQLite. Claiming them is in claim.ts.
 */

const ACTIVE: readonly CallStatus[] = ['queued', 'ringing', 'in_progress'];

/** Statements bind one parameter per id: renewals and releases go in chunks this size. */
const CHUNK = 500;

export interface Renewal {
  /** Calls whose lease now runs until the new time. */
  kept: Set<string>;
  /** Calls another worker holds now (it took them over); the others not kept have ended. */
  lost: Set<string>;
}

/**
 * Renews the lease of calls this worker holds, in one statement per chunk. By id and holder
 * alone: every final transition clears the holder, so a call that ended is not kept.
 */
export async function renewLeases(
  db: Db,
  workerId: string,
  callIds: string[],
  leaseUntil: string,
): Promise<Renewal> {
  const kept = new Set<string>();
  const lost = new Set<string>();
  for (const ids of chunks(callIds)) {
    const rows = await db
      .updateTable('calls')
      .set({ lease_until: leaseUntil })
      .where('id', 'in', ids)
      .where('claimed_by', '=', workerId)
      .returning('id')
      .execute();
    for (const r of rows) kept.add(r.id);
    const missing = ids.filter((id) => !kept.has(id));
    if (missing.length === 0) continue;
    // Rare (a call ended or was canceled meanwhile, or was taken over): one more read tells.
    const now = await db
      .selectFrom('calls')
      .select(['id', 'status', 'claimed_by'])
      .where('id', 'in', missing)
      .execute();
    for (const r of now) {
      if (ACTIVE.includes(r.status) && r.claimed_by !== null && r.claimed_by !== workerId) {
        lost.add(r.id);
      }
    }
  }
  return { kept, lost };
}

/**
 * Lets go of calls: those never dialled go back to the queue, dialled ones become due for
 * resumption at `until` (now, on shutdown; later, for a Twilio call awaiting its callbacks).
 * The holder is cleared too, so whoever claims the call next is not counted as a takeover.
 */
export async function releaseCalls(
  db: Db,
  workerId: string,
  callIds: string[],
  until: string | null,
): Promise<void> {
  for (const ids of chunks(callIds)) {
    await db
      .updateTable('calls')
      .set({ lease_until: until, claimed_by: null })
      .where('claimed_by', '=', workerId)
      .where('id', 'in', ids)
      .execute();
  }
}

/**
 * SQLite serves one worker per database, so a worker that starts owns every lease: calls held
 * by a previous process (one that crashed or was killed) become claimable at once. Their holder
 * stays recorded, so claiming them counts as a takeover.
 */
export async function takeOverLeases(db: Db, workerId: string): Promise<void> {
  await db
    .updateTable('calls')
    .set({ lease_until: null })
    .where('status', 'in', ['queued', 'ringing', 'in_progress'])
    .where('claimed_by', 'is not', null)
    .where('claimed_by', '!=', workerId)
    .execute();
}

function chunks(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK));
  return out;
}
