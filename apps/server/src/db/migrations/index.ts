import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Engine, Store } from '../connect.js';
import { coreMigration } from './0001_core.js';
import { whitelabelMigration } from './0002_whitelabel.js';
import { callsMigration } from './0003_calls.js';
import { webhooksBillingMigration } from './0004_webhooks_billing.js';
import { keyContainmentMigration } from './0005_key_containment.js';
import { creditHoldsMigration } from './0006_credit_holds.js';
import { keyLifecycleMigration } from './0007_key_lifecycle.js';
import { leakResponseMigration } from './0008_leak_response.js';
import { voiceApiMigration } from './0009_voice_api.js';
import { auditMigration } from './0010_audit.js';
import { clientTokensMigration } from './0011_client_tokens.js';
import { heldMinutesMigration } from './0012_held_minutes.js';
import { callDispatchMigration } from './0013_call_dispatch.js';
import { invalidationNotifyMigration } from './0014_invalidation_notify.js';

export interface MigrationContext {
  engine: Engine;
  /** Column type for times: timestamptz on PostgreSQL, ISO text on SQLite. */
  time: 'text' | 'timestamptz';
  /** Column type for an auto-incrementing integer key. */
  serial: 'integer' | 'serial';
}

/** Migrations are code, not files on disk, so the compiled server and the tests run the same. */
function migrations(context: MigrationContext): Record<string, Migration> {
  return {
    '0001_core': coreMigration(context),
    '0002_whitelabel': whitelabelMigration(context),
    '0003_calls': callsMigration(context),
    '0004_webhooks_billing': webhooksBillingMigration(context),
    '0005_key_containment': keyContainmentMigration(context),
    '0006_credit_holds': creditHoldsMigration(context),
    '0007_key_lifecycle': keyLifecycleMigration(context),
    '0008_leak_response': leakResponseMigration(context),
    '0009_voice_api': voiceApiMigration(context),
    '0010_audit': auditMigration(context),
    '0011_client_tokens': clientTokensMigration(context),
    '0012_held_minutes': heldMinutesMigration(context),
    '0013_call_dispatch': callDispatchMigration(),
    '0014_invalidation_notify': invalidationNotifyMigration(context),
  };
}

/** Brings the schema up to date; safe to run on every start and from several processes. */
export async function migrateToLatest(
  store: Store,
  /** Stop after this migration (tests of a migration start from the schema before it). */
  options: { upTo?: string } = {},
): Promise<string[]> {
  const context: MigrationContext = {
    engine: store.engine,
    time: store.engine === 'postgres' ? 'timestamptz' : 'text',
    serial: store.engine === 'postgres' ? 'serial' : 'integer',
  };
  if (store.engine === 'postgres' && store.schema) {
    await sql`create schema if not exists ${sql.id(store.schema)}`.execute(store.db);
  }
  const migrator = new Migrator({
    db: store.db as Kysely<unknown>,
    provider: { getMigrations: async () => migrations(context) },
    ...(store.schema ? { migrationTableSchema: store.schema } : {}),
  });
  const { error, results } = options.upTo
    ? await migrator.migrateTo(options.upTo)
    : await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
