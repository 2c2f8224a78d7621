import type { Selectable } from 'kysely';
import type { Db, Flag, UsersTable } from '../db/schema.js';

export type UserRow = Selectable<UsersTable>;

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Emails are stored lower-cased, so the unique index is case-insensitive. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function updateUser(
  db: Db,
  id: string,
  patch: { name?: string; disabled?: Flag; password_hash?: string; updated_at: string },
): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}
