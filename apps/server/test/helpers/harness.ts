import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import type { BackgroundOptions } from '../../src/compose.js';
import type { Config, DatabaseConfig } from '../../src/config.js';
import { openStore, type Store } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrations/index.js';
import type { App } from '../../src/http/types.js';

export const engine = (process.env.IQRA_TEST_DB ?? 'sqlite') as 'sqlite' | 'postgres';
export const postgresUrl =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testConfig(database: DatabaseConfig, overrides: Partial<Config> = {}): Config {
  return Object.freeze({
    env: 'test',
    port: 0,
    host: '127.0.0.1',
    database,
    redisUrl: undefined,
    pepper: randomBytes(32).toString('base64url'),
    sessionSecret: randomBytes(32).toString('base64url'),
    rateLimitPerMinute: 1000,
    authFailuresPerMinute: 100_000,
    loginFailuresPerEmail: 10,
    loginFailuresPerIp: 100,
    logLevel: 'silent',
    trustProxy: false,
    bodyLimitBytes: 100 * 1024,
    dashboardDir: undefined,
    freeCreditMinutes: 60,
    callConcurrencyPerBusiness: 5,
    // Suites leave many calls queued at once; a one-minute hold keeps 60 of them within credit.
    callMaxMinutes: 1,
    callLeaseSeconds: 30,
    simulatorTimeScale: 0.01,
    webhookMaxAttempts: 8,
    publicUrl: 'http://127.0.0.1:3000',
    twilioApiBaseUrl: undefined,
    corsOrigins: [],
    secretScanningKeysFile: undefined,
    metricsToken: undefined,
    metricsPort: undefined,
    metricsHost: '127.0.0.1',
    keyCacheSize: 10_000,
    rateLimitMaxKeys: 500_000,
    ...overrides,
  });
}

/** A fresh database of the engine under test: in-memory or file SQLite, or a new PG schema. */
export function testDatabase(options: { sqliteFile?: boolean } = {}): {
  database: DatabaseConfig;
  dispose: (store: Store) => Promise<void>;
  sqlitePath?: string;
} {
  if (engine === 'postgres') {
    const schema = `iqra_test_${randomBytes(6).toString('hex')}`;
    return {
      database: { kind: 'postgres', url: postgresUrl, schema },
      dispose: async (store) => {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
      },
    };
  }
  if (!options.sqliteFile) {
    return { database: { kind: 'sqlite', path: ':memory:' }, dispose: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'iqra-test-'));
  const path = join(dir, 'iqra.db');
  return {
    database: { kind: 'sqlite', path },
    sqlitePath: path,
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const FAST_BACKGROUND: BackgroundOptions = {
  dispatchPollMs: 20,
  deliveryPollMs: 20,
  webhookTimeoutMs: 1000,
  webhookRetryBaseMs: 50,
  twilioRecheckMs: 500,
};

export interface TestApp {
  app: App;
  store: Store;
  config: Config;
  /** Every log line the app wrote, when `captureLogs` was set. */
  logs: string[];
  sqlitePath?: string;
  close(): Promise<void>;
}

/** The real app on a real engine, through `inject`. */
export async function startTestApp(
  options: {
    config?: Partial<Config>;
    captureLogs?: boolean;
    sqliteFile?: boolean;
    invalidationPollMs?: number;
    lastUsedFlushMs?: number;
    /** Sees every SQL statement the app runs. */
    onQuery?: (sql: string) => void;
    background?: Partial<BackgroundOptions>;
  } = {},
): Promise<TestApp> {
  const { database, dispose, sqlitePath } = testDatabase({ sqliteFile: options.sqliteFile });
  const config = testConfig(database, {
    ...(options.captureLogs ? { logLevel: 'trace' } : {}),
    ...options.config,
  });
  const store = openStore(config.database, { onQuery: options.onQuery });
  await migrateToLatest(store);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildApp({
    config,
    store,
    logStream: options.captureLogs ? logStream : undefined,
    invalidationPollMs: options.invalidationPollMs,
    lastUsedFlushMs: options.lastUsedFlushMs,
    // Background workers at test speed: calls and webhooks settle in well under a second.
    background: { ...FAST_BACKGROUND, ...options.background },
  });
  await app.ready();
  return {
    app,
    store,
    config,
    logs,
    sqlitePath,
    async close() {
      await app.close();
      if (engine === 'postgres') await dispose(store);
      await store.close();
      if (engine === 'sqlite') await dispose(store);
    },
  };
}

/** Another server process on the same database and secrets: a second node of a deployment. */
export async function startPeerApp(
  of: TestApp,
  options: { invalidationPollMs?: number } = {},
): Promise<TestApp> {
  const store = openStore(of.config.database);
  const app = await buildApp({
    config: of.config,
    store,
    invalidationPollMs: options.invalidationPollMs,
    background: FAST_BACKGROUND,
  });
  await app.ready();
  return {
    app,
    store,
    config: of.config,
    logs: [],
    async close() {
      await app.close();
      await store.close();
    },
  };
}
