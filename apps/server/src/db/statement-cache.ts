import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct statements kept prepared; the app has about a hundred distinct queries. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The database as Kysely's SQLite driver sees it, but keeping the most recently used prepared
 * statements by SQL text. Kysely prepares every statement anew, and preparing cost about a third
 * as much as running the statement on the list route (issue 12). Reusing a statement is what
 * better-sqlite3 is built for: it is reset before each run and re-prepared by SQLite itself after
 * a schema change. One still being iterated (a streamed query) is busy, so a second caller gets a
 * fresh one, exactly as without the cache.
 */
export function cachingStatements(
  database: { prepare(sql: string): BetterSqlite3.Statement; close(): unknown },
  capacity = STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  // A Map iterates in insertion order: re-inserting on use makes the first entry the oldest.
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) {
        if (cached.busy) return database.prepare(sql);
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
    close(): void {
      cache.clear();
      database.close();
    },
  };
}
