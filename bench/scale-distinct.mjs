// (b) BENCH_DISTINCT distinct keys in use against the big store, the server pinned to one core
// and the load generator to the other: the warm path (one key) first, then a soak that cycles
// through the distinct keys while RSS and the server's longest event-loop gap are sampled every
// second.
import { fixed, load, startServer, table, usage } from './lib.mjs';

const TARGETS = {
  sqlite: { ratio: 0.5, p999: 100 },
  postgres: { ratio: 0.25, p999: undefined },
};
const RSS_TARGET_MIB = 200;

export async function distinctKeys({ big, config, factory, log }) {
  const count = Math.min(config.distinct, big.count);
  // Spread over the whole store, so lookups touch all of its index.
  const step = big.count / count;
  const keys = factory.many(Array.from({ length: count }, (_, j) => Math.floor(j * step)));
  const server = await startServer(big.env, { cpus: config.serverCpus });
  try {
    const url = `${server.origin}/api/v1/businesses/${big.account.businessId}`;
    const warmKey = { headers: { authorization: `Token ${big.account.key}` } };
    const opts = { connections: config.connections };
    await load(url, warmKey, { ...opts, duration: 2 }).result;
    const measure = async (request, duration) => {
      await server.loopGapMs();
      const samples = { rss: 0, gap: 0 };
      const sampler = setInterval(async () => {
        try {
          samples.rss = Math.max(samples.rss, usage(server.pid).rss);
          samples.gap = Math.max(samples.gap, await server.loopGapMs());
        } catch {} // the server is stopping
      }, 1000);
      const before = usage(server.pid);
      try {
        const result = await load(url, request, { ...opts, duration }).result;
        const after = usage(server.pid);
        samples.rss = Math.max(samples.rss, after.rss);
        samples.gap = Math.max(samples.gap, await server.loopGapMs());
        return { ...result, ...samples, cpu: (after.cpuUs - before.cpuUs) / result.total };
      } finally {
        clearInterval(sampler);
      }
    };
    log(`${big.engine}: warm path, ${config.warmSeconds} s`);
    const warm = await measure(warmKey, config.warmSeconds);
    log(`${big.engine}: ${count.toLocaleString('en')} distinct keys, ${config.soakSeconds} s soak`);
    const soak = await measure({ keys: (n) => keys[n % keys.length] }, config.soakSeconds);
    const ratio = soak.rps / warm.rps;
    const target = TARGETS[big.engine];
    const checks = [
      `throughput ≥ ${target.ratio}× warm: ${ratio >= target.ratio ? 'met' : 'NOT met'}`,
      target.p999 && `p99.9 < ${target.p999} ms: ${soak.p999 < target.p999 ? 'met' : 'NOT met'}`,
      `RSS < ${RSS_TARGET_MIB} MB: ${soak.rss < RSS_TARGET_MIB ? 'met' : 'NOT met'}`,
    ].filter(Boolean);
    const row = (name, r, ratioText) => [
      name,
      fixed(r.rps),
      ratioText,
      r.p50,
      r.p99,
      r.p999,
      r.max,
      fixed(r.cpu),
      fixed(r.rss),
      fixed(r.gap),
      r.non2xx + r.errors,
    ];
    return [
      `#### Distinct keys, ${big.engine}: ${count.toLocaleString('en')} in use of ${big.count.toLocaleString('en')} stored`,
      '',
      `GET /api/v1/businesses/:id, ${config.connections} connections; server ` +
        `${config.serverCpus ? `pinned to CPU ${config.serverCpus}` : 'not pinned'}. Warm path: one key ` +
        `for ${config.warmSeconds} s; then ${config.soakSeconds} s cycling through the distinct keys ` +
        `(spread over the whole store; every key comes back once per ${count.toLocaleString('en')} requests). ` +
        `RSS and the loop gap (nodejs_eventloop_lag_max_seconds, reset per scrape) sampled every second. ` +
        `${checks.join('; ')}.`,
      '',
      table(
        [
          'path',
          'req/s',
          'vs warm',
          'p50 ms',
          'p99 ms',
          'p99.9 ms',
          'max ms',
          'CPU µs/req',
          'max RSS MiB',
          'max loop gap ms',
          'non-2xx + errors',
        ],
        [
          row('warm (one key)', warm, '1×'),
          row(`${count.toLocaleString('en')} distinct keys`, soak, `${ratio.toFixed(2)}×`),
        ],
      ),
    ].join('\n');
  } finally {
    await server.stop();
  }
}
