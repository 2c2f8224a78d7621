import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/connect.js';
import { engine, postgresUrl } from './helpers/harness.js';
import { freePort } from './helpers/ports.js';
import { type ServerProcess, sessionClient, startServerProcess } from './helpers/server-process.js';

/**
 * The real server process, stopped as an orchestrator stops it: SIGTERM must flush what it holds
 * in memory (last-used times, usage counts) and exit 0 within main.ts's 10 s grace — no handle
 * (a pool, the LISTEN connection, a timer) may keep it alive until it is killed with code 1.
 */
const schema = `iqra_shutdown_${randomBytes(5).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'iqra-shutdown-'));
const databaseUrl =
  engine === 'postgres' ? `${postgresUrl}?schema=${schema}` : `sqlite:${join(dir, 'iqra.db')}`;
const env = {
  DATABASE_URL: databaseUrl,
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  IQRA_PEPPER: randomBytes(32).toString('base64url'),
  SESSION_SECRET: randomBytes(32).toString('base64url'),
};

let server: ServerProcess | undefined;
let store: Store | undefined;

afterAll(async () => {
  await server?.kill('SIGKILL');
  if (store) {
    if (engine === 'postgres')
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('SIGTERM with last-used times and usage counts pending writes them and exits 0 within the grace', {
    timeout: 60_000,
  }, async () => {
    server = await startServerProcess(env, await freePort());
    // Without REDIS_URL the server says at start that its limits hold per node.
    expect(server.output()).toContain('rate limits and failure throttles are per node');
    const api = await sessionClient(server.url);
    const created = await api.request('POST', '/api/v1/user/api-keys', {
      name: 'Shutdown',
      businessScope: { type: 'unrestricted' },
    });
    expect(created.status).toBe(201);
    const { key, id } = created.json as { key: string; id: string };
    let lastUse = '';
    for (let i = 0; i < 3; i++) {
      lastUse = new Date().toISOString();
      const res = await fetch(`${server.url}/api/v1/businesses`, {
        headers: { authorization: `Token ${key}` },
      });
      expect(res.status).toBe(200);
    }
    // Flushed every 5 s: these uses are still in the process's memory.
    const started = Date.now();
    await server.kill('SIGTERM');
    expect(server.child.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    store = openStore(
      engine === 'postgres'
        ? { kind: 'postgres', url: postgresUrl, schema }
        : { kind: 'sqlite', path: join(dir, 'iqra.db') },
    );
    const row = await store.db
      .selectFrom('api_keys')
      .select('last_used_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).not.toBeNull();
    expect(String(row.last_used_at) >= lastUse).toBe(true);
    const usage = await store.db
      .selectFrom('api_key_usage')
      .select((eb) => eb.fn.sum<number>('requests').as('requests'))
      .where('key_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(usage.requests)).toBe(3);
  });
});
