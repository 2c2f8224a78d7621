import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * What the dashboard's voice pages need: endpoints that can be disabled and whose secret rotates
 * with an overlap (the previous secret, sealed, keeps signing until it expires), and metadata on
 * agents as on calls.
 */
export function voiceApiMigration({ time }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('webhook_endpoints')
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('webhook_endpoints')
        .addColumn('previous_secret', 'text')
        .execute();
      await db.schema
        .alterTable('webhook_endpoints')
        .addColumn('previous_secret_expires_at', time)
        .execute();
      await db.schema
        .alterTable('agents')
        .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
    },
  };
}
