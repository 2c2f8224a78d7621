import { type Selectable, sql } from 'kysely';
import { limitOf } from '../db/limit.js';
import type { BillingAccountsTable, Db, UsageRecordsTable } from '../db/schema.js';

export type BillingAccountRow = Selectable<BillingAccountsTable>;
export type UsageRow = Selectable<UsageRecordsTable>;

/**
 * The account of a user, created with the free credit the first time anything needs it. Safe to
 * call from concurrent transactions: the insert does nothing when the account exists.
 */
export async function ensureBillingAccount(
  db: Db,
  userId: string,
  freeCreditMinutes: number,
  now = new Date().toISOString(),
): Promise<BillingAccountRow> {
  await openBillingAccount(db, userId, freeCreditMinutes, now);
  return db
    .selectFrom('billing_accounts')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
}

/** Adds (or, with a negative number, removes) minutes in one statement: no lost update. */
export async function changeCredit(
  db: Db,
  userId: string,
  minutes: number,
  now: string,
  plan?: BillingAccountRow['plan'],
): Promise<void> {
  await db
    .updateTable('billing_accounts')
    .set((eb) => ({
      credit_minutes: eb('credit_minutes', '+', minutes),
      updated_at: now,
      ...(plan ? { plan } : {}),
    }))
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Reserves `minutes` of the owner's credit for one call, in the caller's transaction; false when
 * the balance minus what is held is less than that (or the account does not exist yet). One
 * conditional UPDATE checks and takes the account's lock (a row lock on PostgreSQL, the write lock
 * on SQLite), so concurrent reservations queue and each sees the holds of the ones before it: no
 * two can spend the same minutes. The hold row's trigger adds to `held_minutes` (0012).
 */
export async function holdCredit(
  trx: Db,
  hold: { callId: string; userId: string; minutes: number; now: string },
): Promise<boolean> {
  const reserved = await trx
    .updateTable('billing_accounts')
    .set({ updated_at: hold.now })
    .where('user_id', '=', hold.userId)
    .where(sql<number>`credit_minutes - held_minutes`, '>=', hold.minutes)
    .returning('user_id')
    .executeTakeFirst();
  if (!reserved) return false;
  await trx
    .insertInto('credit_holds')
    .values({
      call_id: hold.callId,
      user_id: hold.userId,
      minutes: hold.minutes,
      created_at: hold.now,
    })
    .execute();
  return true;
}

/**
 * Opens the account with the free credit if it has none yet; true when this call opened it. Safe
 * from concurrent transactions: the insert does nothing when the account exists.
 */
export async function openBillingAccount(
  db: Db,
  userId: string,
  freeCreditMinutes: number,
  now: string,
): Promise<boolean> {
  const opened = await db
    .insertInto('billing_accounts')
    .values({
      user_id: userId,
      plan: 'free',
      credit_minutes: freeCreditMinutes,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return opened !== undefined;
}

/**
 * Ends a call's hold; resolves the minutes it had reserved, or undefined for a call accepted
 * without one (before holds existed). Deleting the row is what releases the minutes.
 */
export async function releaseHold(db: Db, callId: string): Promise<number | undefined> {
  const row = await db
    .deleteFrom('credit_holds')
    .where('call_id', '=', callId)
    .returning('minutes')
    .executeTakeFirst();
  return row?.minutes;
}

export async function insertUsage(db: Db, row: UsageRow): Promise<void> {
  await db.insertInto('usage_records').values(row).execute();
}

export interface UsageQuery {
  userId: string;
  businessId?: string;
  businessIds?: string[];
  from?: string;
  to?: string;
  /** Keyset position: the last record of the previous page. */
  after?: { endedAt: string; callId: string };
  limit: number;
}

/** Newest first by end time (then call id), so records added later never shift older pages. */
export async function listUsage(db: Db, q: UsageQuery): Promise<UsageRow[]> {
  let query = db
    .selectFrom('usage_records')
    .selectAll()
    .where('user_id', '=', q.userId)
    .orderBy('ended_at', 'desc')
    .orderBy('call_id', 'desc')
    .limit(limitOf(q.limit));
  if (q.businessId) query = query.where('business_id', '=', q.businessId);
  if (q.businessIds) {
    query = query.where('business_id', 'in', q.businessIds.length > 0 ? q.businessIds : ['']);
  }
  if (q.from) query = query.where('ended_at', '>=', q.from);
  if (q.to) query = query.where('ended_at', '<', q.to);
  const after = q.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('ended_at', '<', after.endedAt),
        eb.and([eb('ended_at', '=', after.endedAt), eb('call_id', '<', after.callId)]),
      ]),
    );
  }
  return query.execute();
}

/** Calls and minutes billed in [from, to). */
export async function usageTotals(
  db: Db,
  userId: string,
  from: string,
  to: string,
): Promise<{ calls: number; minutes: number; seconds: number }> {
  const row = await db
    .selectFrom('usage_records')
    .select([
      sql<number>`count(*)`.as('calls'),
      sql<number>`coalesce(sum(minutes), 0)`.as('minutes'),
      sql<number>`coalesce(sum(duration_seconds), 0)`.as('seconds'),
    ])
    .where('user_id', '=', userId)
    .where('ended_at', '>=', from)
    .where('ended_at', '<', to)
    .executeTakeFirstOrThrow();
  return { calls: Number(row.calls), minutes: Number(row.minutes), seconds: Number(row.seconds) };
}
