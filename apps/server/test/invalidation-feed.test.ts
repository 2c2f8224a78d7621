import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Invalidation, InvalidationFeed } from '../src/cache/invalidation.js';
import { openStore, type Store } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { engine, testDatabase } from './helpers/harness.js';

/** The database poll: the fallback under NOTIFY and Redis, and the only path from the CLI. */
describe('the invalidation poll', () => {
  const { database, dispose } = testDatabase();
  let store: Store;

  beforeAll(async () => {
    store = openStore(database);
    await migrateToLatest(store);
  });

  afterAll(async () => {
    if (engine === 'postgres') await dispose(store);
    await store.close();
  });

  const feedSeeing = (applied: Invalidation[]) => {
    const errors: unknown[] = [];
    const feed = new InvalidationFeed(store.db, {
      intervalMs: 60_000,
      onError: (error) => errors.push(error),
    });
    feed.subscribe((i) => applied.push(i));
    return { feed, errors };
  };

  const insert = (keyId: string, createdAt: number) =>
    store.db
      .insertInto('cache_invalidations')
      .values({
        key_id: keyId,
        user_id: null,
        business_id: null,
        created_at: new Date(createdAt).toISOString(),
      })
      .execute();

  it('after a gap longer than the lookback, the next poll still applies what was committed meanwhile', async () => {
    const applied: Invalidation[] = [];
    const { feed, errors } = feedSeeing(applied);
    const t0 = Date.now();
    await feed.poll(t0);
    await insert('key_during_gap', t0 + 1000);
    // A minute later (a listener that was down, a database that was unreachable): 15 s of
    // lookback alone would no longer reach the row.
    await feed.poll(t0 + 60_000);
    expect(applied.map((i) => i.keyId)).toContain('key_during_gap');
    // Read once, applied once.
    await feed.poll(t0 + 61_000);
    expect(applied.filter((i) => i.keyId === 'key_during_gap')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('a poll asked for while one is running reads again after it, so a catch-up is never skipped', async () => {
    const applied: Invalidation[] = [];
    const { feed } = feedSeeing(applied);
    const running = feed.poll();
    await insert('key_mid_poll', Date.now());
    await feed.poll();
    expect(applied.map((i) => i.keyId)).toContain('key_mid_poll');
    await running;
  });
});
