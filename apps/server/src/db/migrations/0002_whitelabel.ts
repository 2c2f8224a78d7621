import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

export function whitelabelMigration({ time }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('whitelabel_settings')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        .addColumn('brand_name', 'text')
        .addColumn('logo_url', 'text')
        .addColumn('primary_color', 'text')
        .addColumn('support_email', 'text')
        .addColumn('custom_domain', 'text')
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
    },
  };
}
