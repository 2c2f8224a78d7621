import { type RawBuilder, sql } from 'kysely';

/**
 * A LIMIT written into the statement rather than bound: SQLite runs a `LIMIT ?` statement about
 * 4 µs slower than the same one with `LIMIT 21` (measured on the business list, issue 12), and
 * page sizes are few, so the prepared-statement cache holds one statement per size. Only a safe
 * non-negative integer is ever written into SQL.
 */
export function limitOf(rows: number): RawBuilder<number> {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new Error(`Invalid row limit: ${rows}`);
  return sql.lit(rows);
}
