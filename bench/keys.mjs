// Keys the benchmark can regenerate from their index (so it never keeps a million strings), and
// their bulk insertion straight into `api_keys`. The format, checksum and hash are the server's
// own code (apps/server/dist/auth/key-format.js): `generateKey` is run with `crypto.randomBytes`
// swapped, for the length of one synchronous batch, for bytes derived from (seed, index).
import { createHash } from 'node:crypto';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { generateKey, keyHasher, keyHint } from '../apps/server/dist/auth/key-format.js';
import { newId } from '../apps/server/dist/ids.js';
import { withRaw } from './stores.mjs';

const crypto = createRequire(import.meta.url)('node:crypto');

/** Keys of one run: `at(i)` is the same string every time it is asked for with the same seed. */
export function keyFactory(seed) {
  const many = (indices) => {
    const real = crypto.randomBytes;
    let index = 0;
    let call = 0;
    crypto.randomBytes = (size) => {
      const parts = [];
      for (let n = 0; n * 64 < size; n++) {
        parts.push(createHash('sha512').update(`${seed}:${index}:${call}:${n}`).digest());
      }
      call++;
      return Buffer.concat(parts).subarray(0, size);
    };
    syncBuiltinESMExports(); // the server's `import { randomBytes }` now sees the stand-in
    try {
      return indices.map((i) => {
        index = i;
        call = 0;
        return generateKey();
      });
    } finally {
      crypto.randomBytes = real;
      syncBuiltinESMExports();
    }
  };
  return { many, at: (i) => many([i])[0] };
}

/** Indices `[from, to)`. */
export const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Inserts keys `[from, from + count)` of `factory` for `userId`, unrestricted, except every
 * `restrictedEvery`-th, which is restricted to `businessId`. SQLite: one prepared INSERT in
 * transactions of 50,000 rows; PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per 10,000
 * rows. Resolves to the seconds it took.
 */
export async function seedKeys(
  store,
  { factory, pepper, userId, businessId, count, from = 0, restrictedEvery = 1000 },
) {
  const hash = keyHasher(pepper);
  const started = performance.now();
  const createdAt = new Date().toISOString();
  const batch = store.engine === 'sqlite' ? 50_000 : 10_000;
  const rowsAt = (start, end) =>
    factory.many(range(start, end)).map((key, j) => {
      const { prefix, lastFour } = keyHint(key);
      const restricted = businessId && (start + j) % restrictedEvery === restrictedEvery - 1;
      return [
        newId('key'),
        hash(key),
        prefix,
        lastFour,
        restricted ? 'restricted' : 'unrestricted',
      ];
    });
  await withRaw(store, async (raw) => {
    const insert = store.engine === 'sqlite' ? sqliteInserter(raw) : postgresInserter(raw);
    for (let start = from; start < from + count; start += batch) {
      const rows = rowsAt(start, Math.min(start + batch, from + count));
      await insert(rows, { userId, businessId, createdAt });
    }
    if (store.engine === 'sqlite') raw.pragma('wal_checkpoint(TRUNCATE)');
    else await raw.query('analyze api_keys');
  });
  return (performance.now() - started) / 1000;
}

const COLUMNS = `id, user_id, name, key_hash, prefix, last_four, business_scope_type,
  user_management, status, created_by_type, created_by_id, created_at`;

function sqliteInserter(db) {
  const key = db.prepare(
    `insert into api_keys (${COLUMNS}) values (?, ?, 'bench', ?, ?, ?, ?, 0, 'active', 'user', ?, ?)`,
  );
  const scope = db.prepare('insert into api_key_businesses (key_id, business_id) values (?, ?)');
  const insertAll = db.transaction((rows, { userId, businessId, createdAt }) => {
    for (const [id, keyHash, prefix, lastFour, type] of rows) {
      key.run(id, userId, keyHash, prefix, lastFour, type, userId, createdAt);
      if (type === 'restricted') scope.run(id, businessId);
    }
  });
  return async (rows, context) => insertAll.immediate(rows, context);
}

function postgresInserter(client) {
  return async (rows, { userId, businessId, createdAt }) => {
    const column = (i) => rows.map((row) => row[i]);
    await client.query('begin');
    try {
      await client.query(
        `insert into api_keys (${COLUMNS})
         select id, $6, 'bench', h, p, l, s, 0, 'active', 'user', $6, $7::timestamptz
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) as t(id, h, p, l, s)`,
        [column(0), column(1), column(2), column(3), column(4), userId, createdAt],
      );
      const restricted = rows.filter((row) => row[4] === 'restricted').map((row) => row[0]);
      if (restricted.length > 0) {
        await client.query(
          'insert into api_key_businesses (key_id, business_id) select unnest($1::text[]), $2',
          [restricted, businessId],
        );
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  };
}
