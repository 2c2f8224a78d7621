import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Credit held by accepted calls until they end. The balance stays one number on the account; a
 * hold is a row of its own, so deleting it (the call ended, or its business and calls were
 * deleted) always gives the minutes back and nothing can leave credit held forever.
 */
export function creditHoldsMigration({ time }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('credit_holds')
        .addColumn('call_id', 'text', (c) =>
          c.primaryKey().references('calls.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('minutes', 'integer', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('credit_holds_user_id')
        .on('credit_holds')
        .column('user_id')
        .execute();
    },
  };
}
