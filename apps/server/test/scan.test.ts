import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/auth/key-format.js';
import { scanPaths } from '../src/leaks/scan.js';
import { runScan } from '../src/leaks/scan-command.js';
import { call, createKey, type Session, signUp } from './helpers/client.js';
import { postgresUrl, startTestApp, type TestApp } from './helpers/harness.js';
import { waitFor } from './helpers/wait.js';

const bin = fileURLToPath(new URL('../bin/iqra.js', import.meta.url));
const tree = mkdtempSync(join(tmpdir(), 'iqra-scan-'));
let t: TestApp;
let owner: Session;
let databaseUrl: string;

type Run = { code: number; stdout: string; stderr: string };
function iqra(args: string[], withDatabase: boolean): Promise<Run> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, LOG_LEVEL: 'silent' };
  if (withDatabase) {
    Object.assign(env, {
      DATABASE_URL: databaseUrl,
      IQRA_PEPPER: t.config.pepper,
      SESSION_SECRET: t.config.sessionSecret,
    });
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: tree, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function write(path: string, content: string | Buffer): string {
  const full = join(tree, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}

/** Every secret planted in the tree: none may ever appear whole in any output. */
const planted: string[] = [];
type Planted = { key: string; id?: string };
const keys = {} as Record<'active' | 'revoked' | 'unknown' | 'binary' | 'hidden', Planted>;
const clientToken = `iqra_ct_${'Zq9'.repeat(14)}`;

beforeAll(async () => {
  t = await startTestApp({ sqliteFile: true, invalidationPollMs: 50 });
  const db = t.config.database;
  databaseUrl =
    db.kind === 'sqlite' ? `sqlite:${db.path}` : `${postgresUrl}?schema=${db.schema ?? ''}`;
  owner = await signUp(t.app);
  const active = await createKey(t.app, owner, { name: 'Pasted in CI', userManagement: true });
  const revoked = await createKey(t.app, owner, { name: 'Retired' });
  await call(t.app, {
    method: 'DELETE',
    url: `/api/v1/user/api-keys/${revoked.id}`,
    as: { session: owner },
  });
  keys.active = active;
  keys.revoked = revoked;
  keys.unknown = { key: generateKey() };
  keys.binary = { key: generateKey() };
  keys.hidden = { key: generateKey() };
  const bad = generateKey();
  const malformed = `${bad.slice(0, -1)}${bad.endsWith('A') ? 'B' : 'A'}`;
  planted.push(...Object.values(keys).map((k) => k.key), malformed, clientToken);

  write('src/config.txt', `# settings\nendpoint = https://api\ntoken = ${active.key}\n`);
  write('src/settings.json', JSON.stringify({ a: 1, nested: { apiKey: revoked.key } }, null, 2));
  // One 200 KB line with the key across a 64 KiB read boundary.
  const filler = 'var a=1;'.repeat(8192);
  write('dist/app.min.js', `${filler.slice(0, 65_536 - 20)}k="${keys.unknown.key}";${filler}`);
  write(
    'assets/logo.png',
    Buffer.concat([Buffer.from([0x89, 0, 1, 2]), Buffer.from(keys.binary.key)]),
  );
  write('node_modules/lib/index.js', `x="${keys.hidden.key}"`);
  write('.git/config', `x="${keys.hidden.key}"`);
  write('notes/README.md', `not a key: ${malformed}\nbrowser: ${clientToken}\n`);
  write('clean/only-token.md', `browser: ${clientToken}\n`);
});

afterAll(async () => {
  await t?.close();
  rmSync(tree, { recursive: true, force: true });
});

function expectNoWholeSecret(run: Run) {
  for (const secret of planted) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

const masked = (key: string) => `${key.slice(0, 12)}…${key.slice(-4)}`;

// Each test starts the CLI as a process: slow on a busy machine.
describe('iqra scan', { timeout: 90_000 }, () => {
  it('finds checksum-valid keys in text, JSON and minified files, masked; skips binaries, .git, node_modules; exit 1', async () => {
    const run = await iqra(['scan', '.'], false);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual([
      `clean/only-token.md:1  ${masked(clientToken)}  client token (expires by itself)`,
      `dist/app.min.js:1  ${masked(keys.unknown.key)}`,
      `notes/README.md:2  ${masked(clientToken)}  client token (expires by itself)`,
      `src/config.txt:3  ${masked(keys.active.key)}`,
      `src/settings.json:4  ${masked(keys.revoked.key)}`,
    ]);
    expect(run.stderr).toMatch(
      /3 API key\(s\) and 2 client token\(s\) found; .*1 binary or unreadable skipped/,
    );
    expectNoWholeSecret(run);
  });

  it('exits 0 when only client tokens (or nothing) are found', async () => {
    const run = await iqra(['scan', 'clean'], false);
    expect(run.code).toBe(0);
    expectNoWholeSecret(run);
  });

  it('--check --json looks each key up: status, owner email and key name', async () => {
    const run = await iqra(['scan', 'src', 'dist', '--check', '--json'], true);
    expect(run.code, run.stderr).toBe(1);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    const byFile = Object.fromEntries(rows.map((r) => [r.file, r]));
    expect(byFile['src/config.txt']).toMatchObject({
      line: 3,
      type: 'api_key',
      status: 'active',
      ownerEmail: owner.email,
      keyName: 'Pasted in CI',
      keyId: keys.active.id,
    });
    expect(byFile['src/settings.json']).toMatchObject({ status: 'revoked', keyName: 'Retired' });
    expect(byFile['dist/app.min.js']).toMatchObject({ status: 'unknown' });
    expectNoWholeSecret(run);
  });

  it('--revoke revokes the found keys as leaked, with their descendants; the API then refuses them', async () => {
    const childRes = await call(t.app, {
      method: 'POST',
      url: '/api/v1/user/api-keys',
      as: { key: keys.active.key },
      body: { name: 'minted by the leaked key' },
    });
    const child = childRes.json() as { id: string; key: string };
    planted.push(child.key);
    const run = await iqra(['scan', 'src', '--revoke'], true);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('revoked as leaked (1 descendant(s) too)');
    expectNoWholeSecret(run);

    const row = await t.store.db
      .selectFrom('api_keys')
      .select(['id', 'status', 'revoked_reason'])
      .where('id', 'in', [keys.active.id ?? '', child.id])
      .orderBy('id')
      .execute();
    expect(row.map((r) => r.revoked_reason)).toEqual(['leaked', 'cascade']);
    const audit = await t.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'api_key.leaked')
      .where('target_id', '=', keys.active.id ?? '')
      .executeTakeFirstOrThrow();
    expect(audit.actor).toBe('cli');
    expect({ ip: audit.ip, userAgent: audit.user_agent }).toEqual({ ip: null, userAgent: null });
    for (const key of [keys.active.key, child.key]) {
      await waitFor(
        async () =>
          (await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode === 401
            ? true
            : undefined,
        { what: 'the revoked key to be refused' },
      );
    }
  });

  it('a path that does not exist is exit 2 with a clear message, not a crash', async () => {
    const err: string[] = [];
    const code = await runScan([join(tree, 'nope')], { out: () => {}, err: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('nope: no such file or directory');
  });

  it('scans 10,000 small files in reasonable time (printed, not asserted tightly)', async () => {
    const many = mkdtempSync(join(tmpdir(), 'iqra-scan-many-'));
    try {
      for (let d = 0; d < 100; d++) {
        mkdirSync(join(many, `d${d}`));
        for (let f = 0; f < 100; f++) {
          writeFileSync(join(many, `d${d}`, `f${f}.ts`), `export const v${f} = ${d};\n`.repeat(20));
        }
      }
      writeFileSync(join(many, 'd7', 'f7.ts'), `const k = "${keys.unknown.key}";\n`);
      const started = performance.now();
      const result = await scanPaths([many]);
      const ms = Math.round(performance.now() - started);
      console.log(`iqra scan: ${result.files} files in ${ms} ms`);
      expect(result.files).toBe(10_000);
      expect(result.findings).toHaveLength(1);
      expect(ms).toBeLessThan(60_000);
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  }, 120_000);
});
