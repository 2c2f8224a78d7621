// (c) Two server processes on one PostgreSQL database, with Redis and without. Round-robin is
// done in the benchmark: one autocannon per node, each with half the connections, run at once
// (no proxy process to compete for the two cores). Throughput one node vs two, where the CPU
// went, shared rate limits across the nodes, and how long a key revoked through node A keeps
// working on node B, under load.
import { Redis } from 'ioredis';
import {
  cpuUsBetween,
  cpuUsByName,
  fixed,
  load,
  median,
  onCleanup,
  percentile,
  sleep,
  startServer,
  table,
  usage,
} from './lib.mjs';

const ROUNDS = 2;
const REFUSE_TIMEOUT_MS = 5000;
/** How often a node reads other nodes' revocations from the database (compose.ts, 1 s). */
const POLL_MS = 1000;

/**
 * The Redis database the nodes share. It must hold nothing but the server's own counters
 * (`iqra:rl:*`, from an earlier run); those are deleted before and after, nothing else is.
 */
async function redisDatabase(url) {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const ours = async () => {
    const found = [];
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    const foreign = found.filter((k) => !k.startsWith('iqra:rl:'));
    return { keys: found.filter((k) => k.startsWith('iqra:rl:')), foreign };
  };
  const clear = async () => {
    const { keys } = await ours();
    for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
  };
  const { foreign } = await ours();
  if (foreign.length > 0) {
    client.disconnect();
    throw new Error(
      `${url} holds keys that are not the benchmark's (${foreign[0]}, …): set BENCH_REDIS_URL to an empty database`,
    );
  }
  await clear();
  onCleanup(async () => {
    await clear();
    client.disconnect();
  });
}

const cpuNow = (servers) => ({
  at: performance.now(),
  self: process.cpuUsage(),
  nodes: servers.map((s) => usage(s.pid).cpuUs),
  postgres: cpuUsByName(['postgres']),
  redis: cpuUsByName(['redis-server']),
});

/** `connections` split over `targets`, all at once; CPU of every process as % of one core. */
async function measure(targets, all, { connections, seconds, path, headers }) {
  const before = cpuNow(all);
  const per = Math.max(1, Math.floor(connections / targets.length));
  const results = await Promise.all(
    targets.map(
      (s) =>
        load(`${s.origin}${path}`, { headers }, { connections: per, duration: seconds }).result,
    ),
  );
  const after = cpuNow(all);
  const wallUs = (after.at - before.at) * 1000;
  const self = process.cpuUsage(before.self);
  const share = (us) => `${fixed((100 * us) / wallUs)}%`;
  return {
    rps: results.reduce((n, r) => n + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    bad: results.reduce((n, r) => n + r.non2xx + r.errors, 0),
    cpu: [
      share(self.user + self.system),
      ...all.map((_, i) => share(after.nodes[i] - before.nodes[i])),
      share(cpuUsBetween(before.postgres, after.postgres)),
      share(cpuUsBetween(before.redis, after.redis)),
    ],
  };
}

const status = async (response) => {
  await response.arrayBuffer();
  return response.status;
};

async function rateLimits(nodes, account, path) {
  const create = () =>
    account.post(
      '/api/v1/user/api-keys',
      { name: 'rate limit', businessScope: { type: 'unrestricted' }, rateLimitPerMinute: 60 },
      account.session,
      nodes[0].origin,
    );
  const get = (i, key) =>
    fetch(`${nodes[i % 2].origin}${path}`, { headers: { authorization: `Token ${key}` } }).then(
      status,
    );
  const first = await create();
  const sequential = [];
  for (let i = 0; i < 61; i++) sequential.push(await get(i, first.key));
  const second = await create();
  const burst = await Promise.all(Array.from({ length: 120 }, (_, i) => get(i, second.key)));
  const ok = sequential.slice(0, 60).filter((s) => s === 200).length;
  return {
    sequential: `${ok} × 200, then ${sequential[60]}`,
    burst: `${burst.filter((s) => s === 200).length} × 200, ${burst.filter((s) => s === 429).length} × 429`,
    exact: ok === 60 && sequential[60] === 429 && burst.filter((s) => s === 200).length === 60,
  };
}

async function revocations([a, b], account, { count, path, headers, connections }) {
  const background = [a, b].map((s) =>
    load(`${s.origin}${path}`, { headers }, { connections, duration: 3600 }),
  );
  const started = performance.now();
  const { cookie, 'x-csrf-token': csrf } = account.session;
  const latencies = [];
  let late = 0;
  try {
    for (let i = 0; i < count; i++) {
      const created = await account.post(
        '/api/v1/user/api-keys',
        { name: `revoked ${i}`, businessScope: { type: 'unrestricted' } },
        account.session,
        a.origin,
      );
      const onB = () =>
        fetch(`${b.origin}${path}`, { headers: { authorization: `Token ${created.key}` } }).then(
          status,
        );
      if ((await onB()) !== 200) throw new Error('a new key was refused by node B');
      // At a random moment of the nodes' database poll: back to back, every revocation would
      // land just after B's poll and wait a whole interval.
      await sleep(Math.random() * POLL_MS);
      const revoke = await fetch(`${a.origin}/api/v1/user/api-keys/${created.id}`, {
        method: 'DELETE',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      if ((await status(revoke)) !== 200) throw new Error(`revoke: ${revoke.status}`);
      const revoked = performance.now();
      let refused;
      while (refused === undefined && performance.now() - revoked < REFUSE_TIMEOUT_MS) {
        if ((await onB()) === 401) refused = performance.now();
      }
      if (refused === undefined) late++;
      else latencies.push(refused - revoked);
    }
  } finally {
    for (const run of background) run.stop();
  }
  const loads = await Promise.all(background.map((run) => run.result));
  const seconds = (performance.now() - started) / 1000;
  return {
    latencies,
    late,
    backgroundRps: loads.reduce((n, r) => n + r.total, 0) / seconds,
  };
}

export async function twoNodes({ big, config, log }) {
  const path = `/api/v1/businesses/${big.account.businessId}`;
  const headers = { authorization: `Token ${big.account.key}` };
  await redisDatabase(config.redisUrl);
  const throughputRows = [];
  const correctnessRows = [];
  for (const withRedis of [true, false]) {
    const name = withRedis ? 'PostgreSQL + Redis' : 'PostgreSQL only';
    const env = { ...big.env, REDIS_URL: withRedis ? config.redisUrl : '' };
    const nodes = [
      await startServer(env, { cpus: config.serverCpus }),
      await startServer(env, { cpus: config.serverCpus }),
    ];
    try {
      const opts = { connections: config.connections, seconds: config.nodeSeconds, path, headers };
      await measure(nodes, nodes, { ...opts, seconds: 2 }); // warm-up
      const one = [];
      const two = [];
      for (let r = 0; r < ROUNDS; r++) {
        log(`${name}: throughput round ${r + 1}`);
        one.push(await measure([nodes[0]], nodes, opts));
        two.push(await measure(nodes, nodes, opts));
      }
      const pick = (runs) => runs.find((x) => x.rps === median(runs.map((y) => y.rps)));
      const [single, pair] = [pick(one), pick(two)];
      for (const [label, r] of [
        ['one node (A)', single],
        ['two nodes (A + B)', pair],
      ]) {
        throughputRows.push([
          name,
          label,
          fixed(r.rps),
          `${(r.rps / single.rps).toFixed(2)}×`,
          r.p50,
          r.p99,
          ...r.cpu,
          r.bad,
        ]);
      }
      log(`${name}: rate limits and ${config.revocations} revocations`);
      const limits = await rateLimits(nodes, big.account, path);
      const revoked = await revocations(nodes, big.account, {
        count: config.revocations,
        path,
        headers,
        connections: Math.max(1, Math.floor(config.connections / 4)),
      });
      const ms = (p) => (revoked.latencies.length ? fixed(percentile(revoked.latencies, p)) : '–');
      correctnessRows.push([
        name,
        limits.sequential,
        limits.burst,
        limits.exact ? 'yes' : 'no',
        ms(50),
        ms(99),
        revoked.latencies.length ? fixed(Math.max(...revoked.latencies)) : '–',
        `${revoked.latencies.length} / ${config.revocations}`,
        fixed(revoked.backgroundRps),
      ]);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  }
  return [
    '#### Two nodes on one PostgreSQL, with and without Redis',
    '',
    `Both nodes ${config.serverCpus ? `pinned to CPU ${config.serverCpus}` : 'unpinned'}; round-robin ` +
      `in the benchmark (one autocannon per node, ${Math.floor(config.connections / 2)} connections ` +
      `each, at once; one node alone gets all ${config.connections}). One key, GET /api/v1/businesses/:id, ` +
      `${config.nodeSeconds} s, median of ${ROUNDS} alternating rounds. CPU columns: % of one core ` +
      `over the run (PostgreSQL and Redis: every process of that name on the machine).`,
    '',
    table(
      [
        'store',
        'served by',
        'req/s',
        'vs one node',
        'p50 ms',
        'p99 ms',
        'CPU load generator',
        'CPU node A',
        'CPU node B',
        'CPU PostgreSQL',
        'CPU Redis',
        'non-2xx + errors',
      ],
      throughputRows,
    ),
    '',
    `Rate limit: a key of 60 requests a minute, used on A and B in turn (61 requests one after ` +
      `the other), and a second one sent 120 requests at once (60 per node). Revocation: under ` +
      `background load on both nodes (${Math.max(1, Math.floor(config.connections / 4))} connections ` +
      `each), ${config.revocations} times: create a key, use it on B (B caches it), wait a ` +
      `random 0–${POLL_MS / 1000} s, revoke it through A (DELETE with the session), then ask B ` +
      `until it answers 401; the time from A's ` +
      `answer to B's first 401 (${REFUSE_TIMEOUT_MS / 1000} s at most). Targets: < 1 s (p99) with ` +
      `Redis, < 100 ms without.`,
    '',
    table(
      [
        'store',
        '61 in turn over A/B',
        '120 at once',
        'limit exact across nodes',
        'revoked → refused p50 ms',
        'p99 ms',
        'max ms',
        'refused within 5 s',
        'background req/s',
      ],
      correctnessRows,
    ),
  ].join('\n');
}
