import { sql } from 'kysely';
import type { Engine } from '../db/connect.js';
import type { CallStatus, Db } from '../db/schema.js';
import type { CallRow } from './views.js';

/*
 * The dispatcher's queries. Each is a range of an index (migration 0013): none walks the ended
 * calls, whose number only grows. What remains proportional to the queued backlog is stated
 * where it is.
 */

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

export interface Claimed {
  calls: CallRow[];
  /** Of those, calls another worker still held when its lease ran out (it died or stalled). */
  takeovers: number;
}

const NONE: Claimed = { calls: [], takeovers: 0 };
const DIALLED: readonly CallStatus[] = ['ringing', 'in_progress'];

/** Claimable: nobody holds it, or its holder's lease ran out (a crashed worker). */
const leaseFree = (now: string) => sql<boolean>`(lease_until is null or lease_until < ${now})`;

/**
 * Claims queued calls, oldest first, at most `perBusiness` in flight per business. Businesses
 * are served in the order of their oldest waiting call, so one busy business cannot starve the
 * others. On PostgreSQL each business is claimed under a transaction-scoped advisory lock, so
 * several workers never exceed the limit together; SQLite has one writer, so one worker at a time.
 */
export async function claimQueuedCalls(db: Db, o: ClaimOptions): Promise<Claimed> {
  const due = (await queuedBusinesses(db, o.now))
    .filter((b) => b.disabled === 0 && b.oldest !== null && b.inFlight < o.perBusiness)
    .sort((a, b) => ((a.oldest ?? '') < (b.oldest ?? '') ? -1 : 1))
    .slice(0, o.businesses);

  const claimed: Claimed = { calls: [], takeovers: 0 };
  for (const { businessId } of due) {
    const got = await db.transaction().execute(async (trx) => {
      if (!(await lockBusiness(trx, o.engine, businessId))) return NONE;
      // Counted again under the lock: the figure above may be another worker's moments ago.
      const room = o.perBusiness - (await countInFlight(trx, businessId, o.now));
      if (room <= 0) return NONE;
      const free = await trx
        .selectFrom('calls')
        .select(['id', 'business_id', 'claimed_by'])
        .where('status', '=', 'queued')
        .where('business_id', '>=', businessId)
        .where(leaseFree(o.now))
        .orderBy('business_id')
        .orderBy('id')
        .limit(room)
        .execute();
      // Rows past the business (it had fewer free calls than room) are the next one's.
      return takeLease(
        trx,
        free.filter((r) => r.business_id === businessId),
        o,
        ['queued'],
      );
    });
    claimed.calls.push(...got.calls);
    claimed.takeovers += got.takeovers;
  }
  claimed.calls.sort((a, b) => (a.id < b.id ? -1 : 1));
  return claimed;
}

interface QueuedBusiness {
  businessId: string;
  disabled: number;
  /** Its oldest queued call (claimed or not): the order businesses are served in. */
  oldest: string | null;
  /** Ringing, in progress, or claimed and about to be dialled. */
  inFlight: number;
}

/**
 * Every business with queued calls, found by a skip scan of the (status, business_id, …) index:
 * one probe per business, not one row per queued call. Per business, four more probes (its row,
 * its oldest queued call, its calls in flight). The cost grows with the number of businesses that
 * have a backlog, not with the length of the backlog; a disabled or saturated business is still
 * probed every round.
 *
 * Ranges read in (business_id, id) order, `business_id >= ?` rather than `= ?`: with an equality
 * the order is plain id order, which the primary key also gives, and PostgreSQL then walks the
 * primary key from the oldest call of all (the ended ones) filtering for the business's queue.
 */
async function queuedBusinesses(db: Db, now: string): Promise<QueuedBusiness[]> {
  const { rows } = await sql<{
    business_id: string;
    disabled: number | null;
    oldest: string | null;
    dialled: number | string;
    held: number | string;
  }>`
    with recursive q (business_id) as (
      select min(business_id) from calls where status = 'queued'
      union all
      select (
        select min(c.business_id) from calls c
        where c.status = 'queued' and c.business_id > q.business_id
      )
      from q where q.business_id is not null
    )
    select
      q.business_id,
      (select b.disabled from businesses b where b.id = q.business_id) as disabled,
      (
        select c.id from calls c
        where c.status = 'queued' and c.business_id >= q.business_id
        order by c.business_id, c.id limit 1
      ) as oldest,
      (
        select count(*) from calls c
        where c.status in ('ringing', 'in_progress') and c.business_id = q.business_id
      ) as dialled,
      (
        select count(*) from calls c
        where c.status = 'queued' and c.business_id = q.business_id and c.lease_until >= ${now}
      ) as held
    from q
    where q.business_id is not null
  `.execute(db);
  return rows.map((r) => ({
    businessId: r.business_id,
    disabled: Number(r.disabled ?? 1),
    oldest: r.oldest,
    inFlight: Number(r.dialled) + Number(r.held),
  }));
}

/**
 * Calls in flight for the concurrency limit: dialled ones, and queued ones a worker has claimed.
 * Two index range counts; one `or` over both would read every call of the business.
 */
async function countInFlight(trx: Db, businessId: string, now: string): Promise<number> {
  const { rows } = await sql<{ dialled: number | string; held: number | string }>`
    select
      (
        select count(*) from calls
        where status in ('ringing', 'in_progress') and business_id = ${businessId}
      ) as dialled,
      (
        select count(*) from calls
        where status = 'queued' and business_id = ${businessId} and lease_until >= ${now}
      ) as held
  `.execute(trx);
  return Number(rows[0]?.dialled ?? 0) + Number(rows[0]?.held ?? 0);
}

/**
 * Calls that were dialled (ringing or in progress) but whose holder's lease ran out: a crashed
 * or stopped worker's, or a Twilio call due for a status check. They are resumed, never dialled.
 * Two ranges of the (status, lease_until) index (a released call has no lease at all): when
 * nothing is due, as almost always, one statement that reads no row.
 */
export async function claimStalledCalls(
  db: Db,
  o: Pick<ClaimOptions, 'engine' | 'workerId' | 'now' | 'leaseUntil'> & { limit: number },
): Promise<Claimed> {
  const due = await db
    .selectFrom('calls')
    .select(['id', 'claimed_by'])
    .where('status', 'in', DIALLED)
    .where('lease_until', 'is', null)
    .unionAll(
      db
        .selectFrom('calls')
        .select(['id', 'claimed_by'])
        .where('status', 'in', DIALLED)
        .where('lease_until', '<', o.now),
    )
    .limit(o.limit)
    .execute();
  return takeLease(db, due, o, DIALLED);
}

/**
 * Marks the picked calls as this worker's until `leaseUntil`, each only if it is still in one of
 * `from` and still free: a worker that got there first (on PostgreSQL the update waits for its
 * commit and checks again) keeps it. Needs no row locks, so picking needs none either.
 */
async function takeLease(
  db: Db,
  picked: { id: string; claimed_by: string | null }[],
  o: Pick<ClaimOptions, 'engine' | 'workerId' | 'now' | 'leaseUntil'>,
  from: readonly CallStatus[],
): Promise<Claimed> {
  if (picked.length === 0) return NONE;
  const calls = await db
    .updateTable('calls')
    .set({ claimed_by: o.workerId, lease_until: o.leaseUntil })
    .where(
      'id',
      'in',
      picked.map((r) => r.id),
    )
    .where(sql<boolean>`${statusNotIndexed(o.engine)} in (${sql.join([...from])})`)
    .where(leaseFree(o.now))
    .returningAll()
    .execute();
  const previous = new Map(picked.map((r) => [r.id, r.claimed_by]));
  const takeovers = calls.filter((c) => {
    const holder = previous.get(c.id);
    return holder != null && holder !== o.workerId;
  }).length;
  return { calls, takeovers };
}

/**
 * The status column where a status index must not steer the plan. SQLite keeps no statistics
 * here (nothing runs ANALYZE), so it guesses that one status selects about ten rows and would
 * walk every queued call rather than look up a dozen ids; the unary plus is SQLite's way of
 * taking a column out of index use. PostgreSQL has statistics, and no unary plus for text.
 */
function statusNotIndexed(engine: Engine) {
  return engine === 'sqlite' ? sql`+status` : sql.ref('status');
}

/** How many calls wait to be dialled (a range count of the status index; for metrics). */
export async function countQueued(db: Db): Promise<number> {
  const row = await db
    .selectFrom('calls')
    .select(sql<number | string>`count(*)`.as('n'))
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
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
