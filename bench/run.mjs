// Load benchmark (issue 12). Runs a bare Fastify 5 hello-world in its own process as the floor and
// the built server with its defaults (LOG_LEVEL=info; only the rate limits raised so load is not
// answered 429) on a fresh SQLite file seeded through the API, the CLI and bulk SQL; alternates
// floor and server rounds per scenario and prints each scenario's throughput as a ratio of the
// floor measured next to it, with p50/p99 latency, server CPU per request and RSS.
//
//   npm run bench                 (builds first)
//   BENCH_SECONDS=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=50 npm run bench
//   npm run bench -- --scale      TODO (issue 12): a million keys, PostgreSQL, two nodes — not yet.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { seed } from './seed.mjs';

if (process.argv.includes('--scale')) {
  console.error(
    '--scale (1M keys, PostgreSQL, two nodes) is a TODO of issue 12; see bench/RESULTS.md.',
  );
  process.exit(2);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Resident memory (MiB) and CPU time (µs) of a process, from /proc. */
function usage(pid) {
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime, in 1/100 s
  return { rss, cpuUs: ticks * 10_000 };
}

const dir = mkdtempSync(join(tmpdir(), 'iqra-bench-'));
const dbPath = join(dir, 'bench.db');
const [port, floorPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
const origin = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  DATABASE_URL: `sqlite:${dbPath}`,
  IQRA_PEPPER: randomBytes(32).toString('base64url'),
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  RATE_LIMIT_PER_MINUTE: '1000000',
  AUTH_FAILURES_PER_MINUTE: '1000000',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  // The longest event-loop gap per round comes from the server's own /metrics (loopback only).
  METRICS_PORT: String(metricsPort),
};
/** nodejs_eventloop_lag_max_seconds since the previous scrape (prom-client resets it), in ms. */
async function loopGapMs() {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? Number.NaN) * 1000;
}
// Logs go to a pipe we drain, as they would to a collector; the terminal would be slower.
const server = spawn(process.execPath, ['apps/server/dist/cli.js', 'serve'], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
server.stdout.resume();
const floor = fork('bench/floor.mjs', { env: { ...process.env, PORT: String(floorPort) } });

try {
  await waitFor(`${origin}/healthz`);
  await waitFor(`http://127.0.0.1:${floorPort}/`);
  const idleRss = usage(server.pid).rss;
  const { key, businessId, callBody } = await seed({ origin, env, dbPath });
  const token = { authorization: `Token ${key}` };
  const biz = `/api/v1/businesses/${businessId}`;
  const scenarios = [
    ['GET /healthz', { path: '/healthz' }],
    ['valid key → GET /api/v1/businesses/:id', { path: biz, headers: token }],
    ['valid key → GET /api/v1/businesses', { path: '/api/v1/businesses', headers: token }],
    [
      'valid key → GET …/conversations (10,000 rows)',
      { path: `${biz}/conversations`, headers: token },
    ],
    [
      'valid key → POST …/calls (dispatcher running)',
      {
        path: `${biz}/calls`,
        method: 'POST',
        headers: { ...token, 'content-type': 'application/json' },
        body: JSON.stringify(callBody),
      },
    ],
  ];
  const results = [];
  for (const [name, request] of scenarios) {
    await load(origin, request, 1); // warm-up
    const floorRps = [];
    const server_ = [];
    for (let r = 0; r < rounds; r++) {
      floorRps.push((await load(`http://127.0.0.1:${floorPort}`, { path: '/' }, seconds)).rps);
      await loopGapMs();
      const before = usage(server.pid);
      const run = await load(origin, request, seconds);
      const after = usage(server.pid);
      const gap = await loopGapMs();
      server_.push({
        ...run,
        cpuPerReq: (after.cpuUs - before.cpuUs) / run.total,
        rss: after.rss,
        gap,
      });
    }
    const ratios = server_.map((s, i) => s.rps / floorRps[i]);
    results.push({
      name,
      rps: median(server_.map((s) => s.rps)),
      floor: median(floorRps),
      ratio: median(ratios),
      p50: median(server_.map((s) => s.p50)),
      p99: median(server_.map((s) => s.p99)),
      cpu: median(server_.map((s) => s.cpuPerReq)),
      rss: Math.max(...server_.map((s) => s.rss)),
      gap: Math.max(...server_.map((s) => s.gap)),
      non2xx: server_.reduce((n, s) => n + s.non2xx, 0),
    });
  }
  const cpu = cpus();
  console.log(
    `\n${new Date().toISOString()} · ${cpu.length}× ${cpu[0]?.model} · Node ${process.version}` +
      ` · ${connections} connections, ${rounds} alternating rounds of ${seconds} s · LOG_LEVEL=${env.LOG_LEVEL}` +
      ` · idle RSS ${idleRss.toFixed(0)} MiB\n`,
  );
  const cols = [
    'scenario',
    'req/s',
    'floor',
    'ratio',
    'p50 ms',
    'p99 ms',
    'CPU µs/req',
    'RSS MiB',
    'max loop gap ms',
    'non-2xx',
  ];
  console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
  for (const r of results) {
    console.log(
      `| ${[r.name, r.rps.toFixed(0), r.floor.toFixed(0), `${r.ratio.toFixed(2)}×`, r.p50, r.p99, r.cpu.toFixed(0), r.rss.toFixed(0), r.gap.toFixed(0), r.non2xx].join(' | ')} |`,
    );
  }
} finally {
  server.kill('SIGTERM');
  floor.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function load(base, { path, method = 'GET', headers = {}, body }, duration) {
  const result = await autocannon({
    url: `${base}${path}`,
    method,
    headers,
    body,
    connections,
    duration,
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answered at ${url}`);
}
