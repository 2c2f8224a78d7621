// (d) Do the background batches keep up? The server's own LastUsedRecorder and KeyUsageCounter,
// writing through the real repository functions into a real store (connect.js + migrations),
// are fed BENCH_FLUSH_RATE (10,000) distinct existing keys a second for BENCH_FLUSH_SECONDS on
// the server's flush interval (5 s), while the event loop is watched: HTTP on this machine could
// not make that many cache misses. Also run by --scale, on its million-key store.
//
//   npm run build && node bench/flush.mjs [--engine sqlite|postgres|both] [--keys 100000]
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { FLUSH_CHUNK_ROWS } from '../apps/server/dist/auth/chunked-flush.js';
import { KeyUsageCounter } from '../apps/server/dist/auth/key-usage.js';
import { LastUsedRecorder } from '../apps/server/dist/auth/last-used.js';
import { parseDatabaseUrl } from '../apps/server/dist/config.js';
import { openStore } from '../apps/server/dist/db/connect.js';
import { migrateToLatest } from '../apps/server/dist/db/migrations/index.js';
import { newId } from '../apps/server/dist/ids.js';
import { addKeyUsage, recordLastUsed } from '../apps/server/dist/keys/repo.js';
import { keyFactory, seedKeys } from './keys.mjs';
import { cleanup, fixed, machineLine, median, sleep, table } from './lib.mjs';
import { createStore, enginesFromArgv } from './stores.mjs';

/** The server's flush interval (compose.ts: `lastUsedFlushMs`, default 5 s). */
const INTERVAL_MS = Number(process.env.BENCH_FLUSH_INTERVAL_MS ?? 5000);
const LOOP_TARGET_MS = 20;
const PROBE_MS = 5;

/** Times each statement and each flush (`pending` is the batcher's map of unwritten keys). */
function instrument(batcher, stats) {
  const flush = batcher.flush.bind(batcher);
  batcher.flush = () => {
    const queued = batcher.pending.size;
    const overlapping = stats.running > 0;
    stats.running++;
    const started = performance.now();
    const done = flush();
    done.then(() => {
      stats.running--;
      const after = batcher.pending.size;
      if (queued > 0)
        stats.flushes.push({ queued, overlapping, after, ms: performance.now() - started });
    });
    return done;
  };
}

const timed = (stats, write) => async (rows) => {
  const started = performance.now();
  try {
    await write(rows);
  } finally {
    stats.statements.push(performance.now() - started);
  }
};

export async function flushBench({ store, config, log }) {
  const { flushRate: rate, flushSeconds: seconds } = config;
  const s = openStore(parseDatabaseUrl(store.databaseUrl));
  try {
    await migrateToLatest(s);
    // Twice a flush's worth, so every flush writes rate × interval distinct keys.
    const pool = Math.round((2 * rate * INTERVAL_MS) / 1000);
    const ids = (await s.db.selectFrom('api_keys').select('id').limit(pool).execute()).map(
      (r) => r.id,
    );
    const chunkSize = FLUSH_CHUNK_ROWS[s.engine];
    const errors = [];
    const onError = (error) => errors.push(error);
    const stats = {
      lastUsed: { running: 0, flushes: [], statements: [] },
      usage: { running: 0, flushes: [], statements: [] },
    };
    const recorder = new LastUsedRecorder(
      timed(stats.lastUsed, (uses) => recordLastUsed(s.db, s.engine, uses)),
      { intervalMs: INTERVAL_MS, chunkSize, onError },
    );
    const counter = new KeyUsageCounter(
      timed(stats.usage, (deltas) => addKeyUsage(s.db, s.engine, deltas)),
      { intervalMs: INTERVAL_MS, chunkSize, onError },
    );
    instrument(recorder, stats.lastUsed);
    instrument(counter, stats.usage);

    const loop = monitorEventLoopDelay({ resolution: PROBE_MS });
    const gaps = { flushing: 0, idle: 0 };
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      const gap = now - last - PROBE_MS;
      last = now;
      const which = stats.lastUsed.running + stats.usage.running > 0 ? 'flushing' : 'idle';
      gaps[which] = Math.max(gaps[which], gap);
    }, PROBE_MS);
    const ok = { rejected: false, unauthorized: false };
    let fed = 0;
    let cursor = 0;
    const started = performance.now();
    const feeder = setInterval(() => {
      const due = Math.floor((rate * (performance.now() - started)) / 1000);
      for (; fed < due; fed++) {
        const id = ids[cursor++ % ids.length];
        recorder.touch(id);
        counter.count(id, ok);
      }
    }, 10);
    log(
      `${s.engine}: feeding ${rate.toLocaleString('en')} keys/s for ${seconds} s (pool ${ids.length})`,
    );
    loop.enable();
    recorder.start();
    counter.start();
    await sleep(seconds * 1000);
    clearInterval(feeder);
    const fedSeconds = (performance.now() - started) / 1000;
    await Promise.all([recorder.stop(), counter.stop()]); // the last, partial flush
    clearInterval(probe);
    loop.disable();

    const expected = (rate * INTERVAL_MS) / 1000;
    const row = (name, st) => {
      const regular = st.flushes.slice(0, -1); // the last one is the partial one at stop
      const all = regular.length > 0 ? regular : st.flushes;
      const keeps =
        all.every((f) => !f.overlapping && f.ms < INTERVAL_MS) &&
        Math.max(...all.map((f) => f.queued)) <= Math.min(ids.length, expected) * 1.2;
      return [
        name,
        all.length,
        `${median(all.map((f) => f.queued))} / ${Math.max(...all.map((f) => f.queued))}`,
        Math.ceil(median(all.map((f) => f.queued)) / chunkSize),
        `${fixed(median(all.map((f) => f.ms)))} / ${fixed(Math.max(...all.map((f) => f.ms)))}`,
        fixed(Math.max(...st.statements), 1),
        Math.max(...all.map((f) => f.after)),
        all.filter((f) => f.overlapping).length,
        keeps ? 'yes' : 'NO',
      ];
    };
    const longest = loop.max / 1e6;
    return [
      `#### Background flushes, ${s.engine}: ${rate.toLocaleString('en')} distinct keys a second`,
      '',
      `The server's LastUsedRecorder and KeyUsageCounter over recordLastUsed and addKeyUsage on the ` +
        `benchmark's store (${ids.length.toLocaleString('en')} existing keys cycled), fed for ` +
        `${fixed(fedSeconds, 1)} s on the ${INTERVAL_MS / 1000} s interval, ${chunkSize} rows per ` +
        `statement (FLUSH_CHUNK_ROWS). Both flush on the same tick, as in the server. Flushes ` +
        `counted without the partial one at stop. Longest event-loop gap: ${fixed(longest, 1)} ms ` +
        `(monitorEventLoopDelay; p99 ${fixed(loop.percentile(99) / 1e6, 1)} ms); while a flush ran ` +
        `${fixed(gaps.flushing, 1)} ms, otherwise ${fixed(gaps.idle, 1)} ms (a ${PROBE_MS} ms drift ` +
        `probe). Target < ${LOOP_TARGET_MS} ms: ${longest < LOOP_TARGET_MS ? 'met' : 'NOT met'}.` +
        (errors.length > 0 ? ` Write errors: ${errors.length} (first: ${errors[0].message}).` : ''),
      '',
      table(
        [
          'batch',
          'flushes',
          'keys per flush (median / max)',
          'statements per flush',
          'flush ms (median / max)',
          'slowest statement ms',
          'pending after a flush (max)',
          'overlapped the previous',
          'keeps up',
        ],
        [row('lastUsedAt', stats.lastUsed), row('usage counts', stats.usage)],
      ),
    ].join('\n');
  } finally {
    await s.close();
  }
}

/** Standalone: a fresh store per engine, migrated, with one user and `--keys` keys. */
async function main() {
  const argv = process.argv;
  const keys = Number(argv.includes('--keys') ? argv[argv.indexOf('--keys') + 1] : 100_000);
  const config = {
    flushRate: Number(process.env.BENCH_FLUSH_RATE ?? 10_000),
    flushSeconds: Number(process.env.BENCH_FLUSH_SECONDS ?? 30),
  };
  const log = (line) => console.error(`[flush] ${line}`);
  const sections = [];
  try {
    for (const engine of enginesFromArgv(argv, 'both')) {
      const store = await createStore(engine, 'flush');
      const s = openStore(parseDatabaseUrl(store.databaseUrl));
      const userId = newId('usr');
      const now = new Date().toISOString();
      try {
        await migrateToLatest(s);
        await s.db
          .insertInto('users')
          .values({
            id: userId,
            email: 'flush@example.com',
            name: 'Flush',
            password_hash: null,
            disabled: 0,
            created_at: now,
            updated_at: now,
          })
          .execute();
      } finally {
        await s.close();
      }
      const factory = keyFactory(randomBytes(16).toString('hex'));
      const pepper = randomBytes(32).toString('base64url');
      const took = await seedKeys(store, { factory, pepper, userId, count: keys });
      log(`${engine}: ${keys.toLocaleString('en')} keys seeded in ${took.toFixed(1)} s`);
      sections.push(await flushBench({ store, config, log }));
      await store.drop();
    }
    console.log(`\n${machineLine()}\n\n${sections.join('\n\n')}`);
  } finally {
    await cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
