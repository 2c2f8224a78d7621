// Load benchmark of the key-verification path. Starts the built server on a temporary SQLite
// database, then measures each scenario with autocannon and prints it as a ratio of a baseline
// measured in the same run (GET /healthz: the same HTTP stack with no credential and no I/O).
//
//   npm run bench                 (builds first)
//   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 npm run bench
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateKey } from '../apps/server/dist/auth/key-format.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'iqra-bench-'));
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['apps/server/dist/cli.js', 'serve'], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    IQRA_PEPPER: randomBytes(32).toString('base64url'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_FAILURES_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

try {
  await waitFor(`${origin}/healthz`);
  const { key, businessId } = await setUp();
  const token = { authorization: `Token ${key}` };
  const scenarios = [
    ['baseline: GET /healthz (no credential)', '/healthz', {}],
    [
      'valid key, GET /api/v1/businesses/:id (cached key and business)',
      `/api/v1/businesses/${businessId}`,
      token,
    ],
    ['valid key, GET /api/v1/businesses (one list query)', '/api/v1/businesses', token],
    [
      'mistyped key → 401 (checksum, no I/O)',
      '/api/v1/businesses',
      { authorization: `Token ${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}` },
    ],
    [
      'unknown well-formed key → 401 (HMAC + one indexed read)',
      '/api/v1/businesses',
      { authorization: `Token ${generateKey()}` },
    ],
  ];
  const results = [];
  for (const [name, path, headers] of scenarios) {
    await run(path, headers, 1); // warm-up
    results.push({ name, ...(await run(path, headers, seconds)) });
  }
  const base = results[0].rps;
  console.log(`\n${connections} connections, ${seconds} s per scenario, Node ${process.version}\n`);
  console.log(
    [
      'scenario'.padEnd(66),
      'req/s'.padStart(9),
      'vs base'.padStart(8),
      'p50 ms'.padStart(7),
      'p99 ms'.padStart(7),
      'non-2xx'.padStart(8),
    ].join(' '),
  );
  for (const r of results) {
    console.log(
      [
        r.name.padEnd(66),
        r.rps.toFixed(0).padStart(9),
        `${(r.rps / base).toFixed(2)}×`.padStart(8),
        String(r.p50).padStart(7),
        String(r.p99).padStart(7),
        String(r.non2xx).padStart(8),
      ].join(' '),
    );
  }
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

async function run(path, headers, duration) {
  const result = await autocannon({ url: `${origin}${path}`, headers, connections, duration });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

async function setUp() {
  const signup = await fetch(`${origin}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'bench@example.com',
      password: 'a long password',
      name: 'Bench',
    }),
  });
  const cookie = signup.headers.get('set-cookie').split(';')[0];
  const { csrfToken } = await signup.json();
  const session = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const business = await (
    await fetch(`${origin}/api/v1/businesses`, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ name: 'Bench' }),
    })
  ).json();
  const created = await (
    await fetch(`${origin}/api/v1/user/api-keys`, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ name: 'bench', businessScope: { type: 'unrestricted' } }),
    })
  ).json();
  return { key: created.key, businessId: business.id };
}

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start at ${url}`);
}
