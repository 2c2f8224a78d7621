import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/connect.js';
import { transactor } from '../src/db/group-commit.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { engine, testDatabase } from './helpers/harness.js';

// Issue 12: on SQLite each commit writes every page the transaction touched; the transactions
// of one event-loop turn now share a commit, each inside a savepoint of its own.
describe('transactions through the transactor', () => {
  let store: Store;
  let dispose: (store: Store) => Promise<void>;
  const statements: string[] = [];

  beforeAll(async () => {
    const db = testDatabase();
    dispose = db.dispose;
    store = openStore(db.database, { onQuery: (text) => statements.push(text) });
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await dispose?.(store);
    await store?.close();
  });

  const insertUser = (id: string) =>
    sql`insert into users (id, email, name, password_hash, disabled, created_at, updated_at)
        values (${id}, ${`${id}@example.com`}, ${id}, null, 0, ${new Date().toISOString()}, ${new Date().toISOString()})`;

  it('each caller gets its own result or error; a failure undoes only its own writes', async () => {
    const transact = transactor(store);
    statements.length = 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        transact(async (trx) => {
          await insertUser(`usr_gc_${i}`).execute(trx);
          if (i % 5 === 0) throw new Error(`job ${i} refused`);
          return i;
        }),
      ),
    );
    outcomes.forEach((outcome, i) => {
      if (i % 5 === 0) {
        expect(outcome).toMatchObject({
          status: 'rejected',
          reason: { message: `job ${i} refused` },
        });
      } else {
        expect(outcome).toEqual({ status: 'fulfilled', value: i });
      }
    });
    const rows = await store.db
      .selectFrom('users')
      .select('id')
      .where('id', 'like', 'usr_gc_%')
      .execute();
    expect(rows.map((r) => r.id).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => i)
        .filter((i) => i % 5 !== 0)
        .map((i) => `usr_gc_${i}`)
        .sort(),
    );
    const commits = statements.filter((s) => /^commit/i.test(s)).length;
    // SQLite: one commit for the turn's twenty; PostgreSQL: a transaction each that succeeded.
    expect(commits).toBe(engine === 'sqlite' ? 1 : 16);
  });

  it('on both engines, the transactions of one group share a commit; other groups have their own', async () => {
    const transact = transactor(store);
    statements.length = 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        transact(
          async (trx) => {
            await insertUser(`usr_gc_group_${i}`).execute(trx);
            return i;
          },
          `account_${i % 3}`,
        ),
      ),
    );
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const commits = statements.filter((s) => /^commit/i.test(s)).length;
    // SQLite has one writer: every group of the turn shares its one commit.
    expect(commits).toBe(engine === 'sqlite' ? 1 : 3);
  });

  it('a job that breaks a constraint fails alone, with the database error', async () => {
    const transact = transactor(store);
    const [first, duplicate, other] = await Promise.allSettled([
      transact((trx) => insertUser('usr_gc_dup').execute(trx), 'one'),
      transact((trx) => insertUser('usr_gc_dup').execute(trx), 'one'),
      transact((trx) => insertUser('usr_gc_other').execute(trx), 'one'),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(duplicate.status).toBe('rejected');
    expect(String((duplicate as PromiseRejectedResult).reason)).toMatch(/unique|duplicate/i);
    expect(other.status).toBe('fulfilled');
  });

  it('a caller alone in its turn runs as a plain transaction', async () => {
    const transact = transactor(store);
    await expect(
      transact(async (trx) => {
        await insertUser('usr_gc_alone').execute(trx);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const row = await store.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', 'usr_gc_alone')
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });
});
