// `npm run bench -- --scale` (issue 12): per engine, a store of a million keys seeded in bulk,
// then (a) cache-miss bursts against it and against a 1,000-key store, (b) 200,000 distinct keys
// through a soak with the server pinned to one core, (d) the lastUsedAt and usage flushes fed
// 10,000 distinct keys a second, and on PostgreSQL (c) two nodes with and without Redis. Progress
// goes to stderr; the Markdown tables for bench/RESULTS.md go to stdout at the end.
//
//   npm run bench -- --scale                              everything, both engines, full sizes
//   npm run bench -- --scale --engine postgres --parts nodes
//   node bench/run.mjs --scale --keys 20000 --parts keys,distinct   (after npm run build)
//
// Sizes (flags win over the environment): --keys / BENCH_KEYS (1,000,000 stored keys),
// BENCH_SMALL_KEYS (1,000), BENCH_BURSTS (5), BENCH_BURST_KEYS (1,000 never-seen keys per burst),
// BENCH_WARMUP_KEYS (5,000 more keys in each store, to warm a fresh server up on),
// BENCH_DISTINCT (200,000), BENCH_SOAK_SECONDS (120), BENCH_WARM_SECONDS (15),
// BENCH_CONNECTIONS (50), BENCH_NODE_SECONDS (10), BENCH_REVOCATIONS (100), BENCH_FLUSH_SECONDS
// (30), BENCH_FLUSH_RATE (10,000 keys/s); BENCH_SERVER_CPUS (0) and BENCH_LOAD_CPUS (1) for
// taskset; BENCH_REDIS_URL (redis://127.0.0.1:6379/13: a database of its own, emptied of the
// server's iqra:rl:* counters afterwards); BENCH_PG_URL (the server new databases are made on).
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { flushBench } from './flush.mjs';
import { keyFactory, seedKeys } from './keys.mjs';
import { cleanup, machineLine, pinSelf, serverEnv, startServer } from './lib.mjs';
import { distinctKeys } from './scale-distinct.mjs';
import { cacheMissBursts } from './scale-keys.mjs';
import { twoNodes } from './scale-nodes.mjs';
import { seedAccount } from './seed.mjs';
import { createStore, enginesFromArgv } from './stores.mjs';

const argv = process.argv;
const flag = (name) =>
  argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined;
const num = (value, fallback) => Number(value ?? fallback);
const env = process.env;
const pinned = cpus().length >= 2;
const config = {
  engines: enginesFromArgv(argv, 'both'),
  parts: (flag('parts') ?? 'keys,distinct,flush,nodes').split(','),
  keys: num(flag('keys') ?? env.BENCH_KEYS, 1_000_000),
  smallKeys: num(env.BENCH_SMALL_KEYS, 1000),
  bursts: num(env.BENCH_BURSTS, 5),
  burstKeys: num(env.BENCH_BURST_KEYS, 1000),
  warmupKeys: num(env.BENCH_WARMUP_KEYS, 5000),
  distinct: num(flag('distinct') ?? env.BENCH_DISTINCT, 200_000),
  soakSeconds: num(env.BENCH_SOAK_SECONDS, 120),
  warmSeconds: num(env.BENCH_WARM_SECONDS, 15),
  connections: num(env.BENCH_CONNECTIONS, 50),
  nodeSeconds: num(env.BENCH_NODE_SECONDS, 10),
  revocations: num(env.BENCH_REVOCATIONS, 100),
  flushSeconds: num(env.BENCH_FLUSH_SECONDS, 30),
  flushRate: num(env.BENCH_FLUSH_RATE, 10_000),
  serverCpus: pinned ? (env.BENCH_SERVER_CPUS ?? '0') : undefined,
  loadCpus: pinned ? (env.BENCH_LOAD_CPUS ?? '1') : undefined,
  redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13',
};
const log = (line) => console.error(`[scale] ${line}`);

/**
 * A store of `count` bulk-seeded keys, `spare` more after them (indices count… for warm-ups,
 * never measured), and the account (user, business, key) made through the API.
 */
async function prepareStore(engine, label, count, { pepper, factory }, spare = config.warmupKeys) {
  const store = await createStore(engine, label);
  const environment = serverEnv(store, { pepper });
  const server = await startServer(environment);
  const account = await seedAccount({ origin: server.origin, env: environment });
  await server.stop(); // nothing else writes while the keys go in
  const seedSeconds = await seedKeys(store, {
    factory,
    pepper,
    userId: account.userId,
    businessId: account.businessId,
    count: count + spare,
  });
  log(
    `${engine}: ${(count + spare).toLocaleString('en')} keys seeded in ${seedSeconds.toFixed(2)} s`,
  );
  return { engine, store, env: environment, account, count, spare, seedSeconds };
}

const sections = [];
const print = (section) => {
  sections.push(section);
  console.error(`\n${section}\n`);
};
try {
  if (pinSelf(config.loadCpus)) log(`load generator pinned to CPU ${config.loadCpus}`);
  for (const engine of config.engines) {
    const secrets = { pepper: randomBytes(32).toString('base64url') };
    secrets.factory = keyFactory(randomBytes(16).toString('hex'));
    const needsBig = ['keys', 'distinct', 'flush', 'nodes'].some((p) => config.parts.includes(p));
    if (!needsBig) continue;
    const big = await prepareStore(engine, 'big', config.keys, secrets);
    const context = { big, config, factory: secrets.factory, log };
    print(
      `#### Seeding (${engine})\n\n${(big.count + big.spare).toLocaleString('en')} keys ` +
        `(${big.spare.toLocaleString('en')} of them for warm-ups) inserted in bulk straight into ` +
        `api_keys in ${big.seedSeconds.toFixed(1)} s.`,
    );
    if (config.parts.includes('keys')) {
      const small = await prepareStore(engine, 'small', config.smallKeys, secrets);
      print(await cacheMissBursts({ ...context, small }));
      await small.store.drop();
    }
    if (config.parts.includes('distinct')) print(await distinctKeys(context));
    if (config.parts.includes('flush')) print(await flushBench({ ...context, store: big.store }));
    if (config.parts.includes('nodes')) {
      if (engine === 'postgres') print(await twoNodes(context));
      else log('two nodes need PostgreSQL: skipped on SQLite');
    }
    await big.store.drop();
  }
  const pins = config.serverCpus
    ? ` · server pinned to CPU ${config.serverCpus}, load generator to CPU ${config.loadCpus}`
    : '';
  console.log(`\n${machineLine(`LOG_LEVEL=${env.LOG_LEVEL ?? 'info'}${pins}`)}\n`);
  console.log(sections.join('\n\n'));
} finally {
  await cleanup();
}
