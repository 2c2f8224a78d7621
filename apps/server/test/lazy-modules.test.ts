import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/db/connect.js';
import { engine, postgresUrl } from './helpers/harness.js';
import { freePort } from './helpers/ports.js';
import { startServerProcess } from './helpers/server-process.js';

/**
 * Idle memory (issue 12): the heavy packages load when they are first used, not at boot. Checked
 * from outside, on the real server process, with a test-only preload that records every module
 * the process loads (helpers/record-modules.mjs). A list of loaded modules is deterministic; an
 * RSS bound would move with the Node version and with when the garbage collector last ran.
 */
const RECORDER = pathToFileURL(join(import.meta.dirname, 'helpers/record-modules.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'iqra-lazy-'));
const schema = `iqra_lazy_${randomBytes(5).toString('hex')}`;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (engine !== 'postgres') return;
  const store = openStore({ kind: 'postgres', url: postgresUrl, schema: undefined });
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
  await store.close();
});

/** Runs the server with `env`, lets `use` talk to it, stops it; resolves to the modules it loaded. */
async function modulesLoaded(
  env: Record<string, string>,
  use: (url: string) => Promise<void> = async () => {},
): Promise<string[]> {
  const file = join(dir, `modules-${randomBytes(4).toString('hex')}.txt`);
  const server = await startServerProcess(
    {
      DATABASE_URL:
        engine === 'postgres'
          ? `${postgresUrl}?schema=${schema}`
          : `sqlite:${join(dir, 'iqra.db')}`,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      IQRA_PEPPER: randomBytes(32).toString('base64url'),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      NODE_OPTIONS: `--import=${RECORDER}`,
      IQRA_TEST_MODULES_FILE: file,
      ...env,
    },
    await freePort(),
  );
  try {
    await use(server.url);
  } finally {
    await server.kill('SIGTERM');
  }
  expect(server.child.exitCode, server.output()).toBe(0);
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/** The packages among `modules` that are one of `names`. */
const packagesIn = (modules: string[], names: string[]) =>
  names.filter((name) => modules.some((m) => m.includes(`/node_modules/${name}/`)));

// Nor the phone-number metadata, which the first call accepted needs; nor `pg` on SQLite.
const HEAVY = [
  'twilio',
  '@scalar/fastify-api-reference',
  'prom-client',
  'ioredis',
  'libphonenumber-js',
  ...(engine === 'sqlite' ? ['pg'] : []),
];

describe('heavy packages load only when used (idle RSS, issue 12)', () => {
  it('an idle server has loaded neither Twilio, Scalar, prom-client, ioredis, pg nor libphonenumber', {
    timeout: 60_000,
  }, async () => {
    const modules = await modulesLoaded({});
    // The recorder sees ES modules, CommonJS ones and dynamic imports (the CLI imports main.ts).
    expect(packagesIn(modules, ['fastify', 'better-sqlite3', 'kysely'])).toHaveLength(3);
    expect(modules.some((m) => /\/src\/main\.[jt]s$/.test(m))).toBe(true);

    expect(packagesIn(modules, HEAVY)).toEqual([]);
  });

  it('the first request of /docs loads Scalar, and turning metrics on loads prom-client', {
    timeout: 60_000,
  }, async () => {
    const modules = await modulesLoaded(
      { METRICS_TOKEN: randomBytes(16).toString('hex') },
      async (url) => {
        const page = await fetch(`${url}/docs/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('createApiReference');
      },
    );
    expect(packagesIn(modules, ['@scalar/fastify-api-reference', 'prom-client'])).toHaveLength(2);
    expect(packagesIn(modules, ['twilio', 'ioredis'])).toEqual([]);
  });
});
