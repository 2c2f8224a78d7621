import { type RawBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import type { UsageDelta } from '../auth/key-usage.js';
import type { KeyVerificationRow } from '../auth/key-verifier.js';
import type { Engine } from '../db/connect.js';
import { limitOf } from '../db/limit.js';
import type { ApiKeysTable, Db, RevokedReason } from '../db/schema.js';

/** A key's row; `client_tokens_not_before` (API.md §7) is set only by revoke-client-tokens. */
export type ApiKeyRow = Omit<Selectable<ApiKeysTable>, 'client_tokens_not_before'> & {
  client_tokens_not_before?: string | null;
};
/** A key with its restricted businesses, read from `api_key_businesses` (the only copy). */
export type ApiKeyRecord = ApiKeyRow & { businessIds: string[] };

/**
 * A restricted key's businesses, aggregated in the statement that reads the key, so a read
 * stays one indexed statement (the join table's primary key starts with `key_id`).
 * `string_agg` with ORDER BY runs on PostgreSQL and on SQLite ≥ 3.44 (better-sqlite3 bundles
 * a newer one); ids are `biz_` + base32, never a comma.
 */
const businessIdsOfKey = sql<
  string | null
>`(select string_agg(a.business_id, ',' order by a.business_id)
  from api_key_businesses a where a.key_id = k.id)`;

function splitIds(ids: string | null): string[] {
  // Sorted here too: the engines' collations need not agree with JavaScript's order.
  return ids ? ids.split(',').sort() : [];
}

function selectKeys(db: Db) {
  return db.selectFrom('api_keys as k').selectAll('k').select(businessIdsOfKey.as('business_ids'));
}

function toRecord({ business_ids, ...row }: ApiKeyRow & { business_ids: string | null }) {
  return { ...row, businessIds: splitIds(business_ids) };
}

export async function insertApiKey(db: Db, row: ApiKeyRow, businessIds: string[]): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
  if (businessIds.length > 0) {
    await db
      .insertInto('api_key_businesses')
      .values(businessIds.map((business_id) => ({ key_id: row.id, business_id })))
      .execute();
  }
}

const verificationColumns = [
  'k.id',
  'k.user_id',
  'k.status',
  'k.expires_at',
  'k.business_scope_type',
  businessIdsOfKey.as('business_ids'),
  'k.user_management',
  'k.rate_limit',
  'u.disabled as user_disabled',
  'k.permissions',
  'k.allowed_ips',
  'k.client_tokens_not_before',
] as const;

export async function findKeyForVerification(
  db: Db,
  keyHash: string,
): Promise<KeyVerificationRow | undefined> {
  return (await findKeysForVerification(db, [keyHash]))[0];
}

/** The keys with these hashes (those that exist): one read by the unique index for a batch. */
export async function findKeysForVerification(
  db: Db,
  keyHashes: string[],
): Promise<(KeyVerificationRow & { key_hash: string })[]> {
  if (keyHashes.length === 0) return [];
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([...verificationColumns, 'k.key_hash'])
    .where('k.key_hash', 'in', keyHashes)
    .execute();
}

/** The same row by id, for a client token's parent key (one indexed read, by primary key). */
export async function findKeyForVerificationById(
  db: Db,
  keyId: string,
): Promise<(KeyVerificationRow & { key_hash: string }) | undefined> {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([...verificationColumns, 'k.key_hash'])
    .where('k.id', '=', keyId)
    .executeTakeFirst();
}

/** Refuses every client token of this key minted before now (API.md §7). */
export async function setClientTokensNotBefore(db: Db, keyId: string, at: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ client_tokens_not_before: at })
    .where('id', '=', keyId)
    .execute();
}

/** `within`: only keys inside this filter (an API key's view, see containment.ts). */
export async function findApiKey(
  db: Db,
  userId: string,
  keyId: string,
  within?: RawBuilder<SqlBool>,
): Promise<ApiKeyRecord | undefined> {
  let query = selectKeys(db).where('k.id', '=', keyId).where('k.user_id', '=', userId);
  if (within) query = query.where(within);
  const row = await query.executeTakeFirst();
  return row && toRecord(row);
}

/** By id alone: for the operator CLI, which acts across users. */
export async function findApiKeyById(db: Db, keyId: string): Promise<ApiKeyRecord | undefined> {
  const row = await selectKeys(db).where('k.id', '=', keyId).executeTakeFirst();
  return row && toRecord(row);
}

export interface ApiKeyListQuery {
  userId: string;
  status?: 'active' | 'revoked' | 'expired';
  now: string;
  before?: string;
  limit: number;
  within?: RawBuilder<SqlBool>;
}

export async function listApiKeys(db: Db, q: ApiKeyListQuery): Promise<ApiKeyRecord[]> {
  let query = selectKeys(db)
    .where('k.user_id', '=', q.userId)
    .orderBy('k.id', 'desc')
    .limit(limitOf(q.limit));
  if (q.within) query = query.where(q.within);
  if (q.before) query = query.where('k.id', '<', q.before);
  if (q.status === 'revoked') query = query.where('k.status', '=', 'revoked');
  if (q.status === 'active') {
    query = query
      .where('k.status', '=', 'active')
      .where((eb) => eb.or([eb('k.expires_at', 'is', null), eb('k.expires_at', '>', q.now)]));
  }
  if (q.status === 'expired') {
    query = query.where('k.status', '=', 'active').where('k.expires_at', '<=', q.now);
  }
  return (await query.execute()).map(toRecord);
}

export async function revokeApiKey(
  db: Db,
  keyId: string,
  at: string,
  reason: RevokedReason,
): Promise<boolean> {
  // Expired keys count as active here: revoking one still records that it must never return.
  const result = await db
    .updateTable('api_keys')
    .set({ status: 'revoked', revoked_at: at, revoked_reason: reason })
    .where('id', '=', keyId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The keys restricted to a business, row-locked (by a no-op update, which locks on both
 * engines) so two deletions of a key's last two businesses cannot each see the other's row
 * and both leave the key active.
 */
export async function lockKeysRestrictedTo(db: Db, businessId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('api_key_businesses')
    .select('key_id')
    .where('business_id', '=', businessId)
    .orderBy('key_id')
    .execute();
  const ids = rows.map((r) => r.key_id);
  for (const id of ids) {
    // One at a time, in id order: two deletions lock shared keys in the same order, no deadlock.
    await db
      .updateTable('api_keys')
      .set((eb) => ({ status: eb.ref('status') }))
      .where('id', '=', id)
      .execute();
  }
  return ids;
}

/** Revokes (`scope_empty`) the active keys among `keyIds` that have no business left. */
export async function revokeEmptyScopes(db: Db, keyIds: string[], at: string): Promise<string[]> {
  if (keyIds.length === 0) return [];
  const rows = await db
    .updateTable('api_keys')
    .set({ status: 'revoked', revoked_at: at, revoked_reason: 'scope_empty' })
    .where('id', 'in', keyIds)
    .where('status', '=', 'active')
    .where('business_scope_type', '=', 'restricted')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('api_key_businesses as a')
            .select('a.key_id')
            .whereRef('a.key_id', '=', 'api_keys.id'),
        ),
      ),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * One statement for the whole batch (the caller chunks it); never moves `last_used_at`
 * backwards. SQLite compares the ISO text as stored; PostgreSQL needs the text cast, because a
 * VALUES list of parameters is typed text there.
 */
export async function recordLastUsed(
  db: Db,
  engine: Engine,
  uses: Iterable<readonly [keyId: string, at: string]>,
): Promise<void> {
  const batch = [...uses];
  if (batch.length === 0) return;
  if (engine === 'postgres') {
    // Two array parameters, not two per key: the planner probes the primary key for each row
    // (a VALUES list of thousands made it hash-join over a scan of the whole table), and the
    // driver sends two values however large the batch.
    await sql`update api_keys set last_used_at = v.at
      from unnest(${batch.map(([id]) => id)}::text[], ${batch.map(([, at]) => at)}::timestamptz[])
        as v(id, at)
      where api_keys.id = v.id and (api_keys.last_used_at is null or api_keys.last_used_at < v.at)`.execute(
      db,
    );
    return;
  }
  const rows = batch.map(([keyId, at]) => sql`(${keyId}, ${at})`);
  await sql`with v(id, at) as (values ${sql.join(rows)})
    update api_keys set last_used_at = v.at from v
    where api_keys.id = v.id and (api_keys.last_used_at is null or api_keys.last_used_at < v.at)`.execute(
    db,
  );
}

/** One statement per flush; each row adds to what other nodes wrote (API.md §5). */
export async function addKeyUsage(db: Db, engine: Engine, deltas: UsageDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  if (engine === 'postgres') {
    // Arrays, as for last-used times: five parameters for the whole batch.
    await sql`insert into "api_key_usage" (key_id, date, requests, rejected, unauthorized)
      select * from unnest(
        ${deltas.map((d) => d.keyId)}::text[], ${deltas.map((d) => d.date)}::text[],
        ${deltas.map((d) => d.requests)}::integer[], ${deltas.map((d) => d.rejected)}::integer[],
        ${deltas.map((d) => d.unauthorized)}::integer[])
      on conflict (key_id, date) do update set
        requests = api_key_usage.requests + excluded.requests,
        rejected = api_key_usage.rejected + excluded.rejected,
        unauthorized = api_key_usage.unauthorized + excluded.unauthorized`.execute(db);
    return;
  }
  await db
    .insertInto('api_key_usage')
    .values(
      deltas.map((d) => ({
        key_id: d.keyId,
        date: d.date,
        requests: d.requests,
        rejected: d.rejected,
        unauthorized: d.unauthorized,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['key_id', 'date']).doUpdateSet((eb) => ({
        requests: eb('api_key_usage.requests', '+', eb.ref('excluded.requests')),
        rejected: eb('api_key_usage.rejected', '+', eb.ref('excluded.rejected')),
        unauthorized: eb('api_key_usage.unauthorized', '+', eb.ref('excluded.unauthorized')),
      })),
    )
    .execute();
}

export async function findKeyUsage(db: Db, keyId: string, since: string) {
  return db
    .selectFrom('api_key_usage')
    .select(['date', 'requests', 'rejected', 'unauthorized'])
    .where('key_id', '=', keyId)
    .where('date', '>=', since)
    .orderBy('date')
    .execute();
}

/** Keys minted through any of `keyIds` or rolled from them: one generation of the walk. */
export async function findChildKeyIds(db: Db, userId: string, keyIds: string[]) {
  if (keyIds.length === 0) return [];
  const rows = await db
    .selectFrom('api_keys')
    .select('id')
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.or([
        eb.and([eb('created_by_type', '=', 'api_key'), eb('created_by_id', 'in', keyIds)]),
        eb('rolled_from_id', 'in', keyIds),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

export async function markRolled(
  db: Db,
  keyId: string,
  rolledToId: string,
  expiresAt: string,
): Promise<boolean> {
  // Guarded on rolled_to_id: of two concurrent rolls of one key, exactly one wins.
  const result = await db
    .updateTable('api_keys')
    .set({ rolled_to_id: rolledToId, expires_at: expiresAt })
    .where('id', '=', keyId)
    .where('rolled_to_id', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function updateApiKey(
  db: Db,
  keyId: string,
  set: { name?: string; allowed_ips?: string | null },
): Promise<void> {
  await db.updateTable('api_keys').set(set).where('id', '=', keyId).execute();
}

export async function findKeyPolicy(db: Db, userId: string) {
  return db
    .selectFrom('key_policies')
    .select('max_lifetime_days')
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function saveKeyPolicy(db: Db, userId: string, maxLifetimeDays: number | null) {
  const updated_at = new Date().toISOString();
  await db
    .insertInto('key_policies')
    .values({ user_id: userId, max_lifetime_days: maxLifetimeDays, updated_at })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ max_lifetime_days: maxLifetimeDays, updated_at }),
    )
    .execute();
}
