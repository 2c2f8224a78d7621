import type { Selectable } from 'kysely';
import type { ApiKeysTable, Db, Flag } from '../db/schema.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export async function insertApiKey(db: Db, row: ApiKeyRow, businessIds: string[]): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
  if (businessIds.length > 0) {
    await db
      .insertInto('api_key_businesses')
      .values(businessIds.map((business_id) => ({ key_id: row.id, business_id })))
      .execute();
  }
}

/** The row the verification path needs: one indexed read by hash, joined with its owner. */
export interface KeyVerificationRow {
  id: string;
  user_id: string;
  status: 'active' | 'revoked';
  expires_at: string | null;
  business_scope_type: ApiKeysTable['business_scope_type'];
  business_ids: string;
  user_management: Flag;
  rate_limit: number | null;
  user_disabled: Flag;
}

export async function findKeyForVerification(
  db: Db,
  keyHash: string,
): Promise<KeyVerificationRow | undefined> {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([
      'k.id',
      'k.user_id',
      'k.status',
      'k.expires_at',
      'k.business_scope_type',
      'k.business_ids',
      'k.user_management',
      'k.rate_limit',
      'u.disabled as user_disabled',
    ])
    .where('k.key_hash', '=', keyHash)
    .executeTakeFirst();
}

export async function findApiKey(
  db: Db,
  userId: string,
  keyId: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', keyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** By id alone: for the operator CLI, which acts across users. */
export async function findApiKeyById(db: Db, keyId: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
}

export interface ApiKeyListQuery {
  userId: string;
  status?: 'active' | 'revoked' | 'expired';
  now: string;
  before?: string;
  limit: number;
}

export async function listApiKeys(db: Db, q: ApiKeyListQuery): Promise<ApiKeyRow[]> {
  let query = db
    .selectFrom('api_keys')
    .selectAll()
    .where('user_id', '=', q.userId)
    .orderBy('id', 'desc')
    .limit(q.limit);
  if (q.before) query = query.where('id', '<', q.before);
  if (q.status === 'revoked') query = query.where('status', '=', 'revoked');
  if (q.status === 'active') {
    query = query
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', q.now)]));
  }
  if (q.status === 'expired') {
    query = query.where('status', '=', 'active').where('expires_at', '<=', q.now);
  }
  return query.execute();
}

export async function revokeApiKey(db: Db, keyId: string, at: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ status: 'revoked', revoked_at: at })
    .where('id', '=', keyId)
    .where('status', '=', 'active')
    .execute();
}

/** One statement per key per flush; never moves `last_used_at` backwards. */
export async function recordLastUsed(db: Db, uses: Map<string, string>): Promise<void> {
  for (const [keyId, at] of uses) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: at })
      .where('id', '=', keyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
      .execute();
  }
}
