// Load benchmark (issue 12). Runs a bare Fastify 5 hello-world in its own process as the floor and
// the built server with its defaults (LOG_LEVEL=info; only the rate limits raised so load is not
// answered 429) on a fresh store (SQLite file, or a PostgreSQL database created and dropped here)
// seeded through the API, the CLI and bulk SQL; alternates floor and server rounds per scenario
// and prints each scenario's throughput as a ratio of the floor measured next to it, with p50/p99
// latency, server CPU per request and RSS.
//
//   npm run bench                                (builds first; SQLite)
//   npm run bench -- --engine postgres           (a fresh database on BENCH_PG_URL's server)
//   BENCH_SECONDS=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=50 npm run bench
//   npm run bench -- --scale [--engine …]        a million keys, distinct keys, two nodes and the
//                                                background flushes: see bench/scale.mjs
import {
  cleanup,
  fixed,
  freePort,
  load,
  machineLine,
  median,
  serverEnv,
  startProcess,
  startServer,
  table,
  usage,
  waitFor,
} from './lib.mjs';
import { seed } from './seed.mjs';
import { createStore, enginesFromArgv } from './stores.mjs';

if (process.argv.includes('--scale')) {
  await import('./scale.mjs');
} else {
  try {
    for (const engine of enginesFromArgv(process.argv, 'sqlite')) await bench(engine);
  } finally {
    await cleanup();
  }
}

async function bench(engine) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
  const store = await createStore(engine);
  const env = serverEnv(store);
  // The longest event-loop gap per round comes from the server's own /metrics (loopback only).
  const server = await startServer(env);
  const floorPort = await freePort();
  const floor = startProcess(['bench/floor.mjs'], {
    env: { ...process.env, PORT: String(floorPort) },
  });
  const floorUrl = `http://127.0.0.1:${floorPort}`;
  await waitFor(`${floorUrl}/`, floor.exited);
  const { origin } = server;
  const idleRss = usage(server.pid).rss;
  const { key, businessId, callBody } = await seed({ origin, env, store });
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
  const run = (base, { path, ...request }, duration) =>
    load(`${base}${path}`, request, { connections, duration }).result;
  const results = [];
  for (const [name, request] of scenarios) {
    await run(origin, request, 1); // warm-up
    const floorRps = [];
    const server_ = [];
    for (let r = 0; r < rounds; r++) {
      floorRps.push((await run(floorUrl, { path: '/' }, seconds)).rps);
      await server.loopGapMs();
      const before = usage(server.pid);
      const result = await run(origin, request, seconds);
      const after = usage(server.pid);
      const gap = await server.loopGapMs();
      server_.push({
        ...result,
        cpuPerReq: (after.cpuUs - before.cpuUs) / result.total,
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
  await server.stop();
  await floor.stop();
  await store.drop();
  console.log(
    `\n${machineLine(`engine ${engine}`)} · ${connections} connections, ${rounds} alternating rounds of ${seconds} s` +
      ` · LOG_LEVEL=${env.LOG_LEVEL} · idle RSS ${idleRss.toFixed(0)} MiB\n`,
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
  const rows = results.map((r) => [
    r.name,
    fixed(r.rps),
    fixed(r.floor),
    `${fixed(r.ratio, 2)}×`,
    r.p50,
    r.p99,
    fixed(r.cpu),
    fixed(r.rss),
    fixed(r.gap),
    r.non2xx,
  ]);
  console.log(table(cols, rows));
}
