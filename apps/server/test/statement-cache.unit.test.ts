import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements } from '../src/db/statement-cache.js';

interface Tables {
  t: { id: number; name: string };
}

describe('prepared-statement cache (SQLite)', () => {
  let db: Kysely<Tables> | undefined;
  afterEach(async () => {
    await db?.destroy();
  });

  function open(capacity?: number) {
    const sqlite = new SQLite(':memory:');
    const prepared: string[] = [];
    const counting = {
      prepare: (text: string) => {
        prepared.push(text);
        return sqlite.prepare(text);
      },
      close: () => sqlite.close(),
    };
    db = new Kysely<Tables>({
      dialect: new SqliteDialect({ database: cachingStatements(counting, capacity) }),
    });
    return { db, prepared };
  }

  it('a query run again is not prepared again, and answers with the current rows', async () => {
    const { db, prepared } = open();
    await sql`create table t (id integer primary key, name text)`.execute(db);
    const find = (id: number) => db.selectFrom('t').selectAll().where('id', '=', id).execute();
    await db.insertInto('t').values({ id: 1, name: 'a' }).execute();
    expect(await find(1)).toEqual([{ id: 1, name: 'a' }]);
    await db.insertInto('t').values({ id: 2, name: 'b' }).execute();
    expect(await find(2)).toEqual([{ id: 2, name: 'b' }]);
    expect(await find(3)).toEqual([]);
    expect(prepared.filter((s) => s.startsWith('select'))).toHaveLength(1);
    expect(prepared.filter((s) => s.startsWith('insert'))).toHaveLength(1);
  });

  it('transactions, errors and schema changes behave as without the cache', async () => {
    const { db } = open();
    await sql`create table t (id integer primary key, name text)`.execute(db);
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 1, name: 'a' }).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await db.insertInto('t').values({ id: 1, name: 'a' }).execute();
    await expect(db.insertInto('t').values({ id: 1, name: 'a' }).execute()).rejects.toThrow(
      /UNIQUE/,
    );
    await sql`alter table t add column extra text`.execute(db);
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([
      { id: 1, name: 'a', extra: null },
    ]);
  });

  it('a streamed query left early can be run again from the start', async () => {
    const { db } = open();
    await sql`create table t (id integer primary key, name text)`.execute(db);
    await db
      .insertInto('t')
      .values([1, 2, 3].map((id) => ({ id, name: `n${id}` })))
      .execute();
    const query = db.selectFrom('t').select('id').orderBy('id');
    await query.execute(); // now cached
    for await (const row of query.stream()) if (row.id === 1) break;
    expect((await query.execute()).map((r) => r.id)).toEqual([1, 2, 3]);
    const seen: number[] = [];
    for await (const row of query.stream()) seen.push(row.id);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('keeps at most `capacity` statements, dropping the least recently used', async () => {
    const { db, prepared } = open(2);
    const one = (n: number) => sql`select ${sql.lit(n)} as n`.execute(db);
    await one(1);
    await one(2);
    await one(1); // 1 is now the most recent
    await one(3); // evicts 2
    await one(1);
    await one(2);
    expect(prepared).toEqual(['select 1 as n', 'select 2 as n', 'select 3 as n', 'select 2 as n']);
  });
});
