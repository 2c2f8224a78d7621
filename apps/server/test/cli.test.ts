import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { parseDatabaseUrl } from '../src/config.js';
import { openStore, type Store } from '../src/db/connect.js';
import type { App } from '../src/http/types.js';
import { call } from './helpers/client.js';
import { engine, postgresUrl, testConfig } from './helpers/harness.js';

const bin = fileURLToPath(new URL('../bin/iqra.js', import.meta.url));

// Each command is a real process (tsx): slow on a busy 2-core machine.
describe('the iqra CLI', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'iqra-cli-'));
  const pepper = randomBytes(32).toString('base64url');
  const sessionSecret = randomBytes(32).toString('base64url');
  let databaseUrl: string;
  let pgDatabase: string | undefined;
  let store: Store;
  let app: App;

  function iqra(
    args: string[],
    stdin?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [bin, ...args],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH,
            DATABASE_URL: databaseUrl,
            IQRA_PEPPER: pepper,
            SESSION_SECRET: sessionSecret,
            LOG_LEVEL: 'silent',
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(stdin ?? '');
    });
  }

  beforeAll(async () => {
    if (engine === 'postgres') {
      pgDatabase = `iqra_cli_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`create database ${pgDatabase}`);
      await admin.end();
      const url = new URL(postgresUrl);
      url.pathname = `/${pgDatabase}`;
      databaseUrl = url.toString();
    } else {
      databaseUrl = `sqlite:${join(dir, 'iqra.db')}`;
    }
    expect((await iqra(['migrate'])).code).toBe(0);
    const config = testConfig(parseDatabaseUrl(databaseUrl), { pepper, sessionSecret });
    store = openStore(config.database);
    app = await buildApp({ config, store, invalidationPollMs: 50 });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    if (pgDatabase) {
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${pgDatabase} with (force)`);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a user, a business and a key that the API accepts, printing the key once', async () => {
    const email = `ops-${randomBytes(4).toString('hex')}@example.com`;
    const user = await iqra(['users', 'create', '--email', email, '--name', 'Ops']);
    expect(user.code).toBe(0);
    expect(user.stdout.trim()).toMatch(/^usr_[0-9a-z]{26}$/);

    const biz = await iqra(['businesses', 'create', '--user', email, '--name', 'Dental Clinic']);
    const other = await iqra(['businesses', 'create', '--user', email, '--name', 'Other']);
    const businessId = biz.stdout.trim();
    expect(businessId).toMatch(/^biz_/);

    const created = await iqra([
      'keys',
      'create',
      '--user',
      email,
      '--name',
      'Headless',
      '--business',
      businessId,
      '--user-management',
    ]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^iqra_sk_[0-9A-Za-z]{38}$/);
    expect(created.stdout).toBe(`${key}\n`);
    expect(created.stderr).toContain('will not be shown again');
    expect(created.stderr).not.toContain(key);

    const list = await call(app, { url: '/api/v1/businesses', as: { key } });
    expect(list.json().data.map((b: { id: string }) => b.id)).toEqual([businessId]);
    expect(
      (await call(app, { url: `/api/v1/businesses/${other.stdout.trim()}`, as: { key } }))
        .statusCode,
    ).toBe(403);
    expect((await call(app, { url: '/api/v1/user', as: { key } })).json().email).toBe(email);

    const keys = await iqra(['keys', 'list', '--user', email]);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toContain('Headless');
    expect(keys.stdout).toContain(`${key.slice(0, 12)}…${key.slice(-4)}`);
    expect(keys.stdout).not.toContain(key);

    const keyId = keys.stdout.split('\t')[0] ?? '';
    const revoked = await iqra(['keys', 'revoke', keyId]);
    expect(revoked.code).toBe(0);
    // The running server learns of it from the database within about a second.
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await call(app, { url: '/api/v1/businesses', as: { key } })).statusCode;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });

  it('takes a password on stdin, so the account can log in', async () => {
    const email = `pw-${randomBytes(4).toString('hex')}@example.com`;
    const res = await iqra(
      ['users', 'create', '--email', email, '--name', 'Pw', '--password-stdin'],
      'a long password\n',
    );
    expect(res.code).toBe(0);
    const login = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email, password: 'a long password' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('disables a user: their keys answer 403', async () => {
    const email = `dis-${randomBytes(4).toString('hex')}@example.com`;
    await iqra(['users', 'create', '--email', email, '--name', 'D']);
    const key = (await iqra(['keys', 'create', '--user', email, '--name', 'K'])).stdout.trim();
    expect((await call(app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    expect((await iqra(['users', 'disable', '--user', email])).code).toBe(0);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await call(app, { url: '/api/v1/businesses', as: { key } })).statusCode;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(403);
  });

  it('lists the audit log, the operator named as the actor of its changes', async () => {
    const email = `audit-${randomBytes(4).toString('hex')}@example.com`;
    await iqra(['users', 'create', '--email', email, '--name', 'Audited']);
    const keyId = (await iqra(['keys', 'create', '--user', email, '--name', 'K'])).stdout.trim();
    expect(keyId).toMatch(/^iqra_sk_/);
    const lines = await iqra(['audit', 'list', '--user', email]);
    expect(lines.code).toBe(0);
    const rows = lines.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.map((r) => [r[1], r[2]])).toEqual([
      ['api_key.created', 'operator'],
      ['user.signed_up', 'operator'],
    ]);
    const json = await iqra([
      'audit',
      'list',
      '--user',
      email,
      '--action',
      'api_key.created',
      '--json',
    ]);
    const events = JSON.parse(json.stdout) as { action: string; details: unknown }[];
    expect(events.map((e) => e.action)).toEqual(['api_key.created']);
    expect(json.stdout).not.toContain(keyId);
  }, 120_000);

  it('explains mistakes with a non-zero exit', async () => {
    const cases: [string[], number, RegExp][] = [
      [['frobnicate'], 2, /Unknown command "frobnicate"/],
      [['keys', 'create', '--name', 'x'], 2, /Missing --user/],
      [
        ['keys', 'create', '--user', 'nobody@example.com', '--name', 'x'],
        2,
        /No user nobody@example.com/,
      ],
      [['keys', 'create', '--user', 'x', '--bogus'], 2, /Unknown option '--bogus'/],
      [['keys', 'revoke', 'key_nope'], 2, /No key key_nope/],
    ];
    const results = await Promise.all(cases.map(([args]) => iqra(args)));
    cases.forEach(([args, code, message], i) => {
      expect(results[i]?.code, args.join(' ')).toBe(code);
      expect(results[i]?.stderr).toMatch(message);
    });
    const email = `dup-${randomBytes(4).toString('hex')}@example.com`;
    await iqra(['users', 'create', '--email', email, '--name', 'A']);
    const dup = await iqra(['users', 'create', '--email', email, '--name', 'A']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('An account with this email already exists.');
    const help = await iqra(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('iqra keys create');
  });
});
