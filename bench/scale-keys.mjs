// (a) Cache-miss verification against a million stored keys vs a small store: each burst is a
// fresh server (pinned) that has never seen the burst's keys, warmed up on other keys, then sent
// BENCH_BURST_KEYS requests, each with a key of its own. Bursts alternate between the two stores.
import { range } from './keys.mjs';
import { fixed, load, median, sleep, startServer, table, usage } from './lib.mjs';

/** Distinct pseudo-random indices in [0, size), the same for the same `seed`. */
export function sample(count, size, seed) {
  if (count >= size) return shuffle(range(0, size), seed);
  const picked = new Set();
  const next = mulberry32(seed);
  while (picked.size < count) picked.add(Math.floor(next() * size));
  return [...picked];
}

function shuffle(xs, seed) {
  const next = mulberry32(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WARMUP_SECONDS = 3;
/** The server's lastUsedAt and usage flush interval (compose.ts, `lastUsedFlushMs`). */
const FLUSH_INTERVAL_MS = 5000;
/** Time left to that flush before the burst starts. */
const AFTER_FLUSH_MS = 1000;

async function burst(prepared, keys, { config, factory }) {
  const server = await startServer(prepared.env, { cpus: config.serverCpus });
  const started = performance.now();
  try {
    const url = `${server.origin}/api/v1/businesses/${prepared.account.businessId}`;
    const connections = Math.min(config.connections, keys.length);
    // Warm-up off the measured keys, so the burst measures lookups rather than a cold process's
    // compiler: the account's key for a while (cache hits), then the store's spare keys, each
    // new to this server as the burst's will be (a fresh server's first ~3,000 misses cost about
    // twice the CPU of later ones).
    const warm = { headers: { authorization: `Token ${prepared.account.key}` } };
    await load(url, warm, { duration: WARMUP_SECONDS, connections }).result;
    const spare = factory.many(range(prepared.count, prepared.count + prepared.spare));
    if (spare.length > 0) {
      await load(
        url,
        { keys: (n) => spare[n] },
        {
          amount: spare.length,
          connections: Math.min(connections, spare.length),
        },
      ).result;
    }
    // Timed between two of the server's batch flushes (every 5 s from its start), so the
    // burst measures verification, not the write of the warm-up's lastUsedAt (bench/flush.mjs
    // measures those).
    const sinceStart = performance.now() - started;
    const nextFlush = FLUSH_INTERVAL_MS * Math.ceil(sinceStart / FLUSH_INTERVAL_MS);
    await sleep(nextFlush + AFTER_FLUSH_MS - sinceStart);
    await server.loopGapMs();
    const before = usage(server.pid);
    let after;
    const result = await load(
      url,
      { keys: (n) => keys[n % keys.length] },
      {
        amount: keys.length,
        connections,
        onLast: () => {
          after = usage(server.pid);
        },
      },
    ).result;
    return {
      ...result,
      cpu: (after.cpuUs - before.cpuUs) / result.total,
      gap: await server.loopGapMs(),
    };
  } finally {
    await server.stop();
  }
}

export async function cacheMissBursts({ big, small, config, factory, log }) {
  const runs = { big: [], small: [] };
  const size = Math.min(config.burstKeys, small.count);
  for (let b = 0; b < config.bursts; b++) {
    for (const [name, prepared] of [
      ['big', big],
      ['small', small],
    ]) {
      const keys = factory.many(sample(size, prepared.count, 1000 + b));
      const run = await burst(prepared, keys, { config, factory });
      runs[name].push(run);
      log(`${big.engine} burst ${b + 1} ${name}: ${fixed(run.rps)} req/s, p99 ${run.p99} ms`);
    }
  }
  const ratios = runs.big.map((r, i) => r.rps / runs.small[i].rps);
  const row = (prepared, xs, ratio) => [
    `${prepared.count.toLocaleString('en')} (+ ${prepared.spare.toLocaleString('en')} spare) keys`,
    fixed(median(xs.map((r) => r.rps))),
    median(xs.map((r) => r.p50)),
    median(xs.map((r) => r.p99)),
    Math.max(...xs.map((r) => r.max)),
    fixed(median(xs.map((r) => r.cpu))),
    fixed(Math.max(...xs.map((r) => r.gap))),
    xs.reduce((n, r) => n + r.non2xx + r.errors, 0),
    ratio,
  ];
  const ratio = median(ratios);
  const verdict = ratio >= 0.9 ? 'met' : 'NOT met';
  return [
    `#### Cache-miss verification, ${big.engine}: ${big.count.toLocaleString('en')} stored keys vs ${small.count.toLocaleString('en')}`,
    '',
    `${config.bursts} alternating bursts per store, each on a fresh server that never saw its keys (warmed up for ${WARMUP_SECONDS} s on the account's key, then on the store's ${small.spare.toLocaleString('en')} spare keys, each used once; the burst starts ${AFTER_FLUSH_MS / 1000} s after the server's next lastUsedAt/usage flush, so none falls inside it): ` +
      `${size.toLocaleString('en')} requests, every one with a key of its own (GET /api/v1/businesses/:id, ` +
      `${Math.min(config.connections, size)} connections). Medians over the bursts; ratio = median of ` +
      `(big ÷ small) per burst pair, each ${ratios.map((r) => r.toFixed(3)).join(', ')}. ` +
      `Target "within 10%" (≥ 0.90×): ${verdict}.`,
    '',
    table(
      [
        'store',
        'req/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'CPU µs/req',
        'max loop gap ms',
        'non-2xx + errors',
        'ratio',
      ],
      [row(big, runs.big, `${ratio.toFixed(3)}×`), row(small, runs.small, '1×')],
    ),
  ].join('\n');
}
