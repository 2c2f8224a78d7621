import type { Selectable } from 'kysely';
import type { Db, WhitelabelSettingsTable } from '../db/schema.js';

export type WhitelabelRow = Selectable<WhitelabelSettingsTable>;

export async function findWhitelabel(db: Db, userId: string): Promise<WhitelabelRow | undefined> {
  return db
    .selectFrom('whitelabel_settings')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function saveWhitelabel(db: Db, row: WhitelabelRow): Promise<void> {
  const { user_id: _userId, ...fields } = row;
  await db
    .insertInto('whitelabel_settings')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(fields))
    .execute();
}
