// (a) Cache-miss verification against a million stored keys vs a small store: each burst is a
// fresh server (pinned) that has never seen the burst's keys, warmed up on other keys, then sent
// BENCH_BURST_KEYS requests, each with a key of its own. Bursts alternate between the two stores.
import { range } from './keys.mjs';
import { fixed, load, median, startServer, table, usage } from './lib.mjs';

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
const WARMUP_STRANGERS = 2000;

async function burst(prepared, keys, { config, factory }) {
  const server = await startServer(prepared.env, { cpus: config.serverCpus });
  try {
    const url = `${server.origin}/api/v1/businesses/${prepared.account.businessId}`;
    const connections = Math.min(config.connections, keys.length);
    // Warm-up off the measured keys, so the burst measures lookups rather than a cold process's
    // compiler: the account's key for a while (cache hits), then well-formed keys that are in no
    // store (each one database lookup by hash, as a miss).
    const warm = { headers: { authorization: `Token ${prepared.account.key}` } };
    await load(url, warm, { duration: WARMUP_SECONDS, connections }).result;
    const strangers = factory.many(range(4e9, 4e9 + WARMUP_STRANGERS));
    await load(url, { keys: (n) => strangers[n] }, { amount: strangers.length, connections })
      .result;
    await server.loopGapMs();
    const before = usage(server.pid);
    const result = await load(
      url,
      { keys: (n) => keys[n % keys.length] },
      {
        amount: keys.length,
        connections,
      },
    ).result;
    const after = usage(server.pid);
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
    `${prepared.count.toLocaleString('en')} keys`,
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
    `${config.bursts} alternating bursts per store, each on a fresh server that never saw its keys (warmed up for ${WARMUP_SECONDS} s on the account's key, then ${WARMUP_STRANGERS.toLocaleString('en')} keys in no store): ` +
      `${size.toLocaleString('en')} requests, every one with a key of its own (GET /api/v1/businesses/:id, ` +
      `${Math.min(config.connections, size)} connections). Medians over the bursts; ratio = median of ` +
      `(big ÷ small) per burst pair, each ${ratios.map((r) => r.toFixed(2)).join(', ')}. ` +
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
      [row(big, runs.big, `${ratio.toFixed(2)}×`), row(small, runs.small, '1×')],
    ),
  ].join('\n');
}
