import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Invalidation } from './invalidation.js';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;
/** Channel names are identifiers: longer than 63 bytes, `pg_notify` refuses them. */
const MAX_CHANNEL_BYTES = 63;
const PREFIX = 'iqra_invalidations';

/**
 * NOTIFY channels are database-wide, while the tables live in a schema: two deployments (or two
 * test files) sharing a database in separate schemas must not hear each other, so the schema is
 * part of the name. A long schema name is hashed to stay within PostgreSQL's 63 bytes.
 */
export function invalidationChannel(schema: string | undefined): string {
  if (!schema) return PREFIX;
  const named = `${PREFIX}_${schema}`;
  if (Buffer.byteLength(named) <= MAX_CHANNEL_BYTES) return named;
  return `${PREFIX}_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** What travels in a notification: ids only, and which node sent it. */
export interface InvalidationNotice {
  origin: string;
  /** Set when the ids did not fit: the listener reads the table instead. */
  poll?: true;
  keyId?: string | null;
  userId?: string | null;
  businessId?: string | null;
}

export function encodeNotice(origin: string, invalidation: Invalidation): string {
  const payload = JSON.stringify({
    origin,
    keyId: invalidation.keyId ?? undefined,
    userId: invalidation.userId ?? undefined,
    businessId: invalidation.businessId ?? undefined,
  } satisfies InvalidationNotice);
  if (Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES) return payload;
  return JSON.stringify({ origin, poll: true } satisfies InvalidationNotice);
}

/** The notice in a payload, or undefined when it is not one of ours. */
export function decodeNotice(payload: string | undefined): InvalidationNotice | undefined {
  if (!payload) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const notice = value as Record<string, unknown>;
  if (typeof notice.origin !== 'string') return undefined;
  const ids = ['keyId', 'userId', 'businessId'] as const;
  for (const id of ids) {
    const v = notice[id];
    if (v !== undefined && v !== null && typeof v !== 'string') return undefined;
  }
  return {
    origin: notice.origin,
    ...(notice.poll === true ? { poll: true } : {}),
    keyId: notice.keyId as string | null | undefined,
    userId: notice.userId as string | null | undefined,
    businessId: notice.businessId as string | null | undefined,
  };
}

interface Notifier {
  channel: string;
  origin: string;
}

/**
 * Keyed by the query executor's adapter: Kysely creates one per `Kysely` instance and hands the
 * same one to every transaction begun from it, so `recordInvalidation(trx, …)` finds the
 * notifier of the store the transaction belongs to without every caller passing it. (Per store,
 * not per process: tests run two nodes in one process.) `getExecutor` is marked internal in
 * Kysely's types; `test/revocation-notify.test.ts` fails if a transaction stops finding it.
 */
const notifiers = new WeakMap<object, Notifier>();

const executorKey = (db: Kysely<Database>): object => db.getExecutor().adapter;

/** From now on, invalidations recorded through `db` (a PostgreSQL store) also NOTIFY `channel`. */
export function notifyThrough(db: Kysely<Database>, notifier: Notifier): void {
  notifiers.set(executorKey(db), notifier);
}

/**
 * Inside the transaction of the change: PostgreSQL delivers the notification exactly when it
 * commits, and never when it rolls back. A no-op on a store nobody registered (SQLite).
 */
export async function notifyInvalidation(
  db: Kysely<Database>,
  invalidation: Invalidation,
): Promise<void> {
  const notifier = notifiers.get(executorKey(db));
  if (!notifier) return;
  const payload = encodeNotice(notifier.origin, invalidation);
  await sql`select pg_notify(${notifier.channel}, ${payload})`.execute(db);
}
