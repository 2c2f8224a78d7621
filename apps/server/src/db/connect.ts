import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { DatabaseConfig } from '../config.js';
import type { Database } from './schema.js';
import { cachingStatements } from './statement-cache.js';

export type Engine = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** PostgreSQL schema the tables live in (search_path), when not `public`. */
  readonly schema: string | undefined;
  close(): Promise<void>;
}

/** Resolves when the database answers a trivial statement (readiness). */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;

export interface StoreOptions {
  /** Sees every executed statement (e.g. to trace or count queries). */
  onQuery?: (sql: string) => void;
}

/** Opens the configured engine. The same Kysely queries run on both. */
export function openStore(config: DatabaseConfig, options: StoreOptions = {}): Store {
  const onQuery = options.onQuery;
  const log = onQuery
    ? (event: LogEvent) => {
        if (event.level === 'query') onQuery(event.query.sql);
      }
    : undefined;
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') createOwnerOnly(config.path);
    const sqlite = new SQLite(config.path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: cachingStatements(sqlite) }),
      log,
    });
    return { db, engine: 'sqlite', schema: undefined, close: () => db.destroy() };
  }

  const toIso = (value: string) => new Date(value).toISOString();
  const searchPath = config.schema ? searchPathOption(config.schema) : undefined;
  // Kysely asks for the pool on the first query: `pg` is imported only by servers that use it.
  const pool = async () => {
    const { default: pg } = await import('pg');
    return new pg.Pool({
      connectionString: config.url,
      max: 10,
      // Times come back as ISO strings and counts as numbers, exactly as SQLite gives them.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID) return toIso;
          if (oid === INT8_OID) return (value: string) => Number(value);
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
      ...(searchPath ? { options: searchPath } : {}),
    });
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  return { db, engine: 'postgres', schema: config.schema, close: () => db.destroy() };
}

/**
 * The database holds key hashes, sessions and sealed provider secrets: owner-only (0600). An
 * empty file is a valid empty database, so create it ourselves before SQLite would (0644); SQLite
 * gives the -wal and -shm files the mode of the database file, which covers them too. An
 * existing file keeps the mode its operator chose.
 */
function createOwnerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

/** libpq's `options` that put a connection's tables in `schema` (every connection of a store). */
export function searchPathOption(schema: string): string {
  return `-c search_path=${quoteIdent(schema)}`;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid schema name: ${name}`);
  return name;
}
