import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Key lifecycle (API.md §5): per-resource permissions and an IP allowlist on each key, roll
 * links, the account key policy, per-key daily usage, and the audit fields the log answers with.
 */
export function keyLifecycleMigration({ time }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // JSON text; null permissions = write everywhere (keys made before permissions existed).
      await db.schema.alterTable('api_keys').addColumn('permissions', 'text').execute();
      // JSON array of addresses/CIDRs; null = any address.
      await db.schema.alterTable('api_keys').addColumn('allowed_ips', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('rolled_from_id', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('rolled_to_id', 'text').execute();
      // The cascade walk follows rolls forward.
      await db.schema
        .createIndex('api_keys_rolled_from_id')
        .on('api_keys')
        .column('rolled_from_id')
        .execute();

      await db.schema
        .createTable('key_policies')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        .addColumn('max_lifetime_days', 'integer')
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();

      // One row per key per UTC day; flushes add to it, so several nodes sum.
      await db.schema
        .createTable('api_key_usage')
        .addColumn('key_id', 'text', (c) =>
          c.notNull().references('api_keys.id').onDelete('cascade'),
        )
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unauthorized', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('api_key_usage_pk', ['key_id', 'date'])
        .execute();

      await db.schema.alterTable('audit_events').addColumn('business_id', 'text').execute();
      await db.schema.alterTable('audit_events').addColumn('ip', 'text').execute();
      await db.schema.alterTable('audit_events').addColumn('user_agent', 'text').execute();
    },
  };
}
