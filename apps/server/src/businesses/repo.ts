import { limitOf } from '../db/limit.js';
import type { BusinessRow, Db, Flag } from '../db/schema.js';

export type { BusinessRow } from '../db/schema.js';

export async function insertBusiness(db: Db, row: BusinessRow): Promise<void> {
  await db.insertInto('businesses').values(row).execute();
}

export async function findBusinessById(db: Db, id: string): Promise<BusinessRow | undefined> {
  return db.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface BusinessListQuery {
  ownerId: string;
  /** Only these ids (a restricted key's list). */
  ids?: string[];
  /** Keyset: ids strictly older than this one. */
  before?: string;
  limit: number;
}

/** Newest first, by id (ids sort by creation time). */
export async function listBusinesses(db: Db, q: BusinessListQuery): Promise<BusinessRow[]> {
  let query = db
    .selectFrom('businesses')
    .selectAll()
    .where('owner_id', '=', q.ownerId)
    .orderBy('id', 'desc')
    .limit(limitOf(q.limit));
  if (q.ids) query = query.where('id', 'in', q.ids.length > 0 ? q.ids : ['']);
  if (q.before) query = query.where('id', '<', q.before);
  return query.execute();
}

export async function findOwnedBusinessIds(
  db: Db,
  ownerId: string,
  ids: string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('businesses')
    .select('id')
    .where('owner_id', '=', ownerId)
    .where('id', 'in', ids)
    .execute();
  return rows.map((r) => r.id);
}

export interface BusinessPatch {
  name?: string;
  default_language?: string;
  timezone?: string;
  disabled?: Flag;
  updated_at: string;
}

export async function updateBusiness(
  db: Db,
  id: string,
  patch: BusinessPatch,
): Promise<BusinessRow | undefined> {
  await db.updateTable('businesses').set(patch).where('id', '=', id).execute();
  return findBusinessById(db, id);
}

export async function deleteBusiness(db: Db, id: string): Promise<void> {
  await db.deleteFrom('businesses').where('id', '=', id).execute();
}
