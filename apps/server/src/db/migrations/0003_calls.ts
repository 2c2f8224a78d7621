import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

const CALL_STATUSES = sql`status in ('queued', 'ringing', 'in_progress', 'completed', 'failed', 'no_answer', 'busy', 'canceled')`;

/** Agents, calls, their conversations and transcripts, idempotency keys, telephony settings. */
export function callsMigration({ time }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('agents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) =>
          c.notNull().references('businesses.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('voice', 'text', (c) => c.notNull())
        .addColumn('greeting', 'text', (c) => c.notNull())
        .addColumn('instructions', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('agents_business_id_id')
        .on('agents')
        .columns(['business_id', 'id'])
        .execute();

      // agent_id has no foreign key: the history of a deleted agent's calls stays readable.
      await db.schema
        .createTable('calls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) =>
          c.notNull().references('businesses.id').onDelete('cascade'),
        )
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull().unique())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('to_number', 'text', (c) => c.notNull())
        .addColumn('from_number', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('ended_reason', 'text')
        .addColumn('variables', 'text', (c) => c.notNull())
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('agent_snapshot', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('provider_call_id', 'text')
        .addColumn('dial_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_by', 'text')
        .addColumn('lease_until', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('dialed_at', time)
        .addColumn('answered_at', time)
        .addColumn('ended_at', time)
        .addColumn('duration_seconds', 'integer', (c) => c.notNull().defaultTo(0))
        .addCheckConstraint('calls_status', CALL_STATUSES)
        .execute();
      await db.schema
        .createIndex('calls_business_id_id')
        .on('calls')
        .columns(['business_id', 'id'])
        .execute();
      // The dispatcher's scans: queued work, and active calls whose lease ran out.
      await db.schema
        .createIndex('calls_status_business_id_id')
        .on('calls')
        .columns(['status', 'business_id', 'id'])
        .execute();

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) =>
          c.notNull().references('businesses.id').onDelete('cascade'),
        )
        .addColumn('call_id', 'text', (c) =>
          c.notNull().unique().references('calls.id').onDelete('cascade'),
        )
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', time, (c) => c.notNull())
        .addColumn('answered_at', time)
        .addColumn('ended_at', time)
        .addColumn('duration_seconds', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('ended_reason', 'text')
        .addColumn('updated_at', time, (c) => c.notNull())
        .addCheckConstraint('conversations_status', CALL_STATUSES)
        .execute();
      // Keyset pages newest first, with or without the common filters.
      await db.schema
        .createIndex('conversations_business_id_id')
        .on('conversations')
        .columns(['business_id', 'id'])
        .execute();
      await db.schema
        .createIndex('conversations_business_id_status_id')
        .on('conversations')
        .columns(['business_id', 'status', 'id'])
        .execute();
      await db.schema
        .createIndex('conversations_business_id_agent_id_id')
        .on('conversations')
        .columns(['business_id', 'agent_id', 'id'])
        .execute();

      await db.schema
        .createTable('conversation_messages')
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_messages_pk', ['conversation_id', 'seq'])
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('business_id', 'text', (c) =>
          c.notNull().references('businesses.id').onDelete('cascade'),
        )
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['business_id', 'key'])
        .execute();
      await db.schema
        .createIndex('idempotency_keys_created_at')
        .on('idempotency_keys')
        .column('created_at')
        .execute();

      await db.schema
        .createTable('business_telephony')
        .addColumn('business_id', 'text', (c) =>
          c.primaryKey().references('businesses.id').onDelete('cascade'),
        )
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('account_sid', 'text')
        .addColumn('auth_token', 'text')
        .addColumn('from_number', 'text')
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
    },
  };
}
