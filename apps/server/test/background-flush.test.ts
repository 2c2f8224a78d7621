import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyUsageCounter } from '../src/auth/key-usage.js';
import { LastUsedRecorder } from '../src/auth/last-used.js';
import { addKeyUsage, recordLastUsed } from '../src/keys/repo.js';
import { call, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

// Issue 12: the flushes used to run one UPDATE per key, freezing SQLite's event loop for
// 847 ms at 10,000 keys and falling behind on PostgreSQL.
describe('background flushes', () => {
  let t: TestApp;
  let owner: Session;
  const queries: string[] = [];
  const lastUsedWrites = () => queries.filter((q) => /update api_keys set last_used_at/.test(q));

  beforeAll(async () => {
    t = await startTestApp({ onQuery: (q) => queries.push(q), lastUsedFlushMs: 3_600_000 });
    owner = await signUp(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  const recorder = (chunkSize: number) =>
    new LastUsedRecorder((uses) => recordLastUsed(t.store.db, t.store.engine, uses), {
      intervalMs: 60_000,
      chunkSize,
      onError: (error) => {
        throw error;
      },
    });
  const lastUsedOf = async (id: string) =>
    (
      await t.store.db
        .selectFrom('api_keys')
        .select('last_used_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).last_used_at;

  it('1,200 distinct keys are written in one statement per chunk of 500, not one per key', async () => {
    const real = await Promise.all([0, 1, 2].map(() => createKey(t.app, owner)));
    const lastUsed = recorder(500);
    const at = Date.parse('2030-01-02T03:04:05.000Z');
    for (let i = 0; i < 1197; i++) lastUsed.touch(`key_absent${i}`, at);
    for (const { id } of real) lastUsed.touch(id, at);
    queries.length = 0;
    await lastUsed.flush();
    expect(lastUsedWrites()).toHaveLength(3);
    for (const { id } of real) expect(await lastUsedOf(id)).toBe('2030-01-02T03:04:05.000Z');
  });

  it('a batched write never moves last_used_at backwards', async () => {
    const { id } = await createKey(t.app, owner);
    const lastUsed = recorder(500);
    lastUsed.touch(id, Date.parse('2030-06-01T00:00:00.000Z'));
    await lastUsed.flush();
    lastUsed.touch(id, Date.parse('2030-01-01T00:00:00.000Z'));
    await lastUsed.flush();
    expect(await lastUsedOf(id)).toBe('2030-06-01T00:00:00.000Z');
  });

  it('per-key usage of 5 keys in chunks of 2 is 3 statements and every count arrives', async () => {
    const keys = await Promise.all([0, 1, 2, 3, 4].map(() => createKey(t.app, owner)));
    const counter = new KeyUsageCounter((d) => addKeyUsage(t.store.db, t.store.engine, d), {
      intervalMs: 60_000,
      chunkSize: 2,
      onError: (error) => {
        throw error;
      },
    });
    for (const { id } of keys) counter.count(id, { rejected: false, unauthorized: false });
    queries.length = 0;
    await counter.flush();
    expect(queries.filter((q) => /insert into "api_key_usage"/.test(q))).toHaveLength(3);
    for (const { id } of keys) {
      const res = await call(t.app, {
        url: `/api/v1/user/api-keys/${id}/usage?days=1`,
        as: { session: owner },
      });
      expect(res.json().data[0]).toMatchObject({ requests: 1 });
    }
  });

  it('a failed chunk keeps its keys and the rest for the next flush', async () => {
    const written: string[][] = [];
    let fail = true;
    const errors: unknown[] = [];
    const lastUsed = new LastUsedRecorder(
      async (uses) => {
        if (written.length === 1 && fail) {
          fail = false;
          throw new Error('database away');
        }
        written.push(uses.map(([id]) => id));
      },
      { intervalMs: 60_000, chunkSize: 2, onError: (e) => errors.push(e) },
    );
    for (const id of ['a', 'b', 'c', 'd', 'e']) lastUsed.touch(id);
    await lastUsed.flush();
    expect(errors).toHaveLength(1);
    expect(written).toEqual([['a', 'b']]);
    await lastUsed.flush();
    expect(written.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a flush of 10,000 distinct keys lets the event loop run between chunks', async () => {
    const lastUsed = recorder(500);
    for (let i = 0; i < 10_000; i++) lastUsed.touch(`key_absent${i}`);
    // A timer that could not fire until the flush ended would mean the loop was held throughout.
    let ticks = 0;
    const probe = setInterval(() => ticks++, 1);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    await lastUsed.flush();
    delay.disable();
    clearInterval(probe);
    const maxMs = delay.max / 1e6;
    console.info(
      `[issue 12] longest event-loop gap flushing 10,000 keys (${t.store.engine}): ${maxMs.toFixed(1)} ms`,
    );
    expect(ticks).toBeGreaterThan(1);
    expect(maxMs).toBeLessThan(200); // generous: the machine is shared; the figure is reported above
  });
});

describe('graceful shutdown', () => {
  it('closing the app writes the last-used times still pending', async () => {
    const t = await startTestApp({ lastUsedFlushMs: 3_600_000 });
    try {
      const owner = await signUp(t.app);
      const { key, id } = await createKey(t.app, owner);
      expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
      await t.app.close();
      const row = await t.store.db
        .selectFrom('api_keys')
        .select('last_used_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.last_used_at).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
  });
});
