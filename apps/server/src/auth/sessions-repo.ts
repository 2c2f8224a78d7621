import type { Db, Flag } from '../db/schema.js';

export async function insertSession(
  db: Db,
  row: { id: string; user_id: string; created_at: string; expires_at: string },
): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export interface SessionLookup {
  id: string;
  user_id: string;
  expires_at: string;
  user_disabled: Flag;
}

export async function findSession(db: Db, id: string): Promise<SessionLookup | undefined> {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.user_id', 's.expires_at', 'u.disabled as user_disabled'])
    .where('s.id', '=', id)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}
