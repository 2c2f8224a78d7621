import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db, IdempotencyKeysTable } from '../db/schema.js';

export type IdempotencyRow = Selectable<IdempotencyKeysTable>;

/** How long a key stands for its first request. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * SHA-256 of the body in a canonical form (object keys sorted, no whitespace), so the same request
 * sent with its fields in another order is still the same request.
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The live record of a key (younger than the window), if any. */
export async function findIdempotencyKey(
  db: Db,
  businessId: string,
  key: string,
  now: number,
): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('key', '=', key)
    .where('created_at', '>=', new Date(now - IDEMPOTENCY_WINDOW_MS).toISOString())
    .executeTakeFirst();
}

/**
 * Claims a key inside the transaction that creates the call. A record past the window is removed
 * first, so the key can be used again. Concurrent claims of one key conflict on the primary key:
 * on PostgreSQL the second insert waits for the first transaction and then fails, on SQLite the
 * transactions run one after the other; either way the loser replays the winner's call.
 */
export async function claimIdempotencyKey(db: Db, row: IdempotencyRow, now: number): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('business_id', '=', row.business_id)
    .where('key', '=', row.key)
    .where('created_at', '<', new Date(now - IDEMPOTENCY_WINDOW_MS).toISOString())
    .execute();
  await db.insertInto('idempotency_keys').values(row).execute();
}

/** Drops records past the window (run now and then by the dispatcher). */
export async function purgeIdempotencyKeys(db: Db, now = Date.now()): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now - IDEMPOTENCY_WINDOW_MS).toISOString())
    .execute();
}
