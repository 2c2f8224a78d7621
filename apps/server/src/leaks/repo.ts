import type { Selectable } from 'kysely';
import { limitOf } from '../db/limit.js';
import type { Db, NoticesTable } from '../db/schema.js';

export type NoticeRow = Selectable<NoticesTable>;

/** Inserts the notice unless the key already has one; true when this call inserted it. */
export async function insertNoticeOnce(db: Db, row: NoticeRow): Promise<boolean> {
  const inserted = await db
    .insertInto('notices')
    .values(row)
    .onConflict((oc) => oc.columns(['kind', 'key_id']).doNothing())
    .returning('id')
    .execute();
  return inserted.length > 0;
}

export async function listNotices(
  db: Db,
  q: { userId: string; before?: string; limit: number },
): Promise<NoticeRow[]> {
  let query = db
    .selectFrom('notices')
    .selectAll()
    .where('user_id', '=', q.userId)
    .orderBy('id', 'desc')
    .limit(limitOf(q.limit));
  if (q.before) query = query.where('id', '<', q.before);
  return query.execute();
}

/** Dismisses once: a second dismissal keeps the first time. Undefined when not the user's. */
export async function dismissNotice(
  db: Db,
  userId: string,
  noticeId: string,
  at: string,
): Promise<NoticeRow | undefined> {
  await db
    .updateTable('notices')
    .set({ dismissed_at: at })
    .where('id', '=', noticeId)
    .where('user_id', '=', userId)
    .where('dismissed_at', 'is', null)
    .execute();
  return db
    .selectFrom('notices')
    .selectAll()
    .where('id', '=', noticeId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The businesses a key could reach: all its owner's when unrestricted, else its list. */
export async function reachableBusinessIds(
  db: Db,
  key: { user_id: string; business_scope_type: string; businessIds: string[] },
): Promise<string[]> {
  if (key.business_scope_type === 'restricted') return key.businessIds;
  const rows = await db
    .selectFrom('businesses')
    .select('id')
    .where('owner_id', '=', key.user_id)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function findUserEmail(db: Db, userId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('email')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.email;
}
