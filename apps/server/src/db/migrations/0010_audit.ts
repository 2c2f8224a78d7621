import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Audit log and key idempotency (API.md §5): the retention purge reads audit events by time,
 * and create/roll remember their first answer per Idempotency-Key for 24 hours.
 */
export function auditMigration({ time }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('audit_events_created_at')
        .on('audit_events')
        .column('created_at')
        .execute();
      await db.schema
        .createIndex('audit_events_user_id_action')
        .on('audit_events')
        .columns(['user_id', 'action'])
        .execute();

      await db.schema
        .createTable('key_idempotency')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        // SHA-256 of the operation and its canonical body.
        .addColumn('request_hash', 'text', (c) => c.notNull())
        // The first answer, key included, sealed with SecretBox: never plain text at rest.
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('key_idempotency_pk', ['user_id', 'key'])
        .execute();
      await db.schema
        .createIndex('key_idempotency_created_at')
        .on('key_idempotency')
        .column('created_at')
        .execute();
    },
  };
}
