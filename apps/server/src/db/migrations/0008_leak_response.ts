import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Notices shown to a user until dismissed (today: "a key of yours was found in public"). One
 * notice per leaked key: the unique index makes a repeated report a no-op, even when two copies
 * of it arrive at once.
 */
export function leakResponseMigration({ time }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('notices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('dismissed_at', time)
        .execute();
      await db.schema
        .createIndex('notices_kind_key_id')
        .on('notices')
        .columns(['kind', 'key_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('notices_user_id')
        .on('notices')
        .columns(['user_id', 'id'])
        .execute();
    },
  };
}
