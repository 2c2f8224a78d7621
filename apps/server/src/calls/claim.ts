import { sql } from 'kysely';
import type { Engine } from '../db/connect.js';
import type { Db } from '../db/schema.js';
import type { CallRow } from './views.js';

export interface ClaimOptions {
  engine: Engine;
  workerId: string;
  now: string;
  leaseUntil: string;
  /** Calls of one business ringing, in progress or claimed at once. */
  perBusiness: number;
  /** Businesses served per round. */
  businesses: number;
}

/** Claimable: nobody holds it, or its holder's lease ran out (a crashed worker). */
const leaseFree = (now: string) => sql<boolean>`(lease_until is null or lease_until < ${now})`;

/** Counts as a call in flight for the concurrency limit. */
const inFlight = (now: string) =>
  sql<boolean>`(status in ('ringing', 'in_progress') or (status = 'queued' and lease_until >= ${now}))`;

/**
 * Claims queued calls, oldest first, at most `perBusiness` in flight per business. Businesses
 * are served in the order of their oldest waiting call, so one busy business cannot starve the
 * others. On PostgreSQL, rows are taken `FOR UPDATE SKIP LOCKED` and each business is counted
 * under a transaction-scoped advisory lock, so several workers never exceed the limit together;
 * SQLite has one writer, so one worker at a time.
 */
export async function claimQueuedCalls(db: Db, o: ClaimOptions): Promise<CallRow[]> {
  const businesses = await db
    .selectFrom('calls as c')
    .innerJoin('businesses as b', 'b.id', 'c.business_id')
    .select('c.business_id')
    .where('c.status', '=', 'queued')
    // A disabled business's queued calls wait, and go out if it is enabled again.
    .where('b.disabled', '=', 0)
    .where(leaseFree(o.now))
    .groupBy('c.business_id')
    .orderBy(sql`min(c.id)`)
    .limit(o.businesses)
    .execute();

  const claimed: CallRow[] = [];
  for (const { business_id: businessId } of businesses) {
    const rows = await db.transaction().execute(async (trx) => {
      if (!(await lockBusiness(trx, o.engine, businessId))) return [];
      const active = await trx
        .selectFrom('calls')
        .select(sql<number>`count(*)`.as('n'))
        .where('business_id', '=', businessId)
        .where(inFlight(o.now))
        .executeTakeFirstOrThrow();
      const room = o.perBusiness - Number(active.n);
      if (room <= 0) return [];
      const ids = await lockRows(
        trx
          .selectFrom('calls')
          .select('id')
          .where('business_id', '=', businessId)
          .where('status', '=', 'queued')
          .where(leaseFree(o.now))
          .orderBy('id')
          .limit(room),
        o.engine,
      );
      return takeLease(trx, ids, o);
    });
    claimed.push(...rows);
  }
  return claimed.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Calls that were dialled (ringing or in progress) but whose holder's lease ran out: a crashed
 * or stopped worker's, or a Twilio call due for a status check. They are resumed, never dialled.
 */
export async function claimStalledCalls(
  db: Db,
  o: Pick<ClaimOptions, 'engine' | 'workerId' | 'now' | 'leaseUntil'> & { limit: number },
): Promise<CallRow[]> {
  return db.transaction().execute(async (trx) => {
    const ids = await lockRows(
      trx
        .selectFrom('calls')
        .select('id')
        .where('status', 'in', ['ringing', 'in_progress'])
        .where(leaseFree(o.now))
        .orderBy('id')
        .limit(o.limit),
      o.engine,
    );
    return takeLease(trx, ids, o);
  });
}

/** Marks the locked calls as this worker's until `leaseUntil`. */
async function takeLease(
  trx: Db,
  ids: { id: string }[],
  o: Pick<ClaimOptions, 'workerId' | 'leaseUntil'>,
): Promise<CallRow[]> {
  if (ids.length === 0) return [];
  return trx
    .updateTable('calls')
    .set({ claimed_by: o.workerId, lease_until: o.leaseUntil })
    .where(
      'id',
      'in',
      ids.map((r) => r.id),
    )
    .returningAll()
    .execute();
}

/** Renews the lease of calls this worker holds; returns the ids it still holds. */
export async function renewLeases(
  db: Db,
  workerId: string,
  callIds: string[],
  leaseUntil: string,
): Promise<Set<string>> {
  if (callIds.length === 0) return new Set();
  const rows = await db
    .updateTable('calls')
    .set({ lease_until: leaseUntil })
    .where('claimed_by', '=', workerId)
    .where('id', 'in', callIds)
    .where('status', 'in', ['queued', 'ringing', 'in_progress'])
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Lets go of calls: those never dialled go back to the queue, dialled ones become due for
 * resumption at `until` (now, on shutdown; later, for a Twilio call awaiting its callbacks).
 */
export async function releaseCalls(
  db: Db,
  workerId: string,
  callIds: string[],
  until: string | null,
): Promise<void> {
  if (callIds.length === 0) return;
  await db
    .updateTable('calls')
    .set({ lease_until: until })
    .where('claimed_by', '=', workerId)
    .where('id', 'in', callIds)
    .execute();
}

/**
 * SQLite serves one worker per database, so a worker that starts owns every lease: calls held
 * by a previous process (one that crashed or was killed) become claimable at once.
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

interface Lockable<T> {
  forUpdate(): { skipLocked(): { execute(): Promise<T[]> } };
  execute(): Promise<T[]>;
}

/** `FOR UPDATE SKIP LOCKED` where the engine has it (PostgreSQL); SQLite locks the database. */
function lockRows<T>(query: Lockable<T>, engine: Engine): Promise<T[]> {
  return engine === 'postgres' ? query.forUpdate().skipLocked().execute() : query.execute();
}

/** Serialises claims per business across workers; false when another worker is at it. */
async function lockBusiness(trx: Db, engine: Engine, businessId: string): Promise<boolean> {
  if (engine !== 'postgres') return true;
  const key = `iqra:calls:${businessId}`;
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(hashtext(${key})) as locked`.execute(trx);
  return rows[0]?.locked === true;
}
