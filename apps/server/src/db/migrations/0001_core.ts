import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

export function coreMigration({ engine, time, serial }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('businesses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) =>
          c.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('default_language', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('businesses_owner_id_id')
        .on('businesses')
        .columns(['owner_id', 'id'])
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('last_four', 'text', (c) => c.notNull())
        .addColumn('business_scope_type', 'text', (c) => c.notNull())
        .addColumn('business_ids', 'text', (c) => c.notNull())
        .addColumn('user_management', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rate_limit', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_by_key_id', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time)
        .addColumn('revoked_at', time)
        .addColumn('last_used_at', time)
        .addCheckConstraint(
          'api_keys_scope_type',
          sql`business_scope_type in ('unrestricted', 'restricted')`,
        )
        .addCheckConstraint('api_keys_status', sql`status in ('active', 'revoked')`)
        .execute();
      await db.schema
        .createIndex('api_keys_user_id_id')
        .on('api_keys')
        .columns(['user_id', 'id'])
        .execute();

      await db.schema
        .createTable('api_key_businesses')
        .addColumn('key_id', 'text', (c) =>
          c.notNull().references('api_keys.id').onDelete('cascade'),
        )
        .addColumn('business_id', 'text', (c) =>
          c.notNull().references('businesses.id').onDelete('cascade'),
        )
        .addPrimaryKeyConstraint('api_key_businesses_pk', ['key_id', 'business_id'])
        .execute();
      await db.schema
        .createIndex('api_key_businesses_business_id')
        .on('api_key_businesses')
        .column('business_id')
        .execute();

      await db.schema
        .createTable('cache_invalidations')
        .addColumn('id', serial, (c) =>
          engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('key_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('business_id', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cache_invalidations_created_at')
        .on('cache_invalidations')
        .column('created_at')
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('data', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_events_user_id_id')
        .on('audit_events')
        .columns(['user_id', 'id'])
        .execute();
    },
  };
}
