// A fresh store per benchmark: a SQLite file in a temporary folder, or a PostgreSQL database
// created on BENCH_PG_URL's server (default 127.0.0.1:5432, user postgres) and dropped afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { onCleanup } from './lib.mjs';

export const ENGINES = ['sqlite', 'postgres'];
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** `--engine sqlite|postgres|both` from argv, or `fallback`. */
export function enginesFromArgv(argv, fallback) {
  const i = argv.indexOf('--engine');
  const value = i >= 0 ? argv[i + 1] : fallback;
  const engines = value === 'both' ? ENGINES : [value];
  for (const engine of engines) {
    if (!ENGINES.includes(engine)) throw new Error(`--engine must be sqlite, postgres or both`);
  }
  return engines;
}

/**
 * `{ engine, databaseUrl, label, raw(), drop() }`. `raw()` opens a plain driver connection
 * (better-sqlite3 or pg.Client) for bulk SQL; `drop()` (also a registered cleanup) removes it.
 */
export async function createStore(engine, label = 'bench') {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `iqra-${label}-`));
    const path = join(dir, 'bench.db');
    const drop = async () => rmSync(dir, { recursive: true, force: true });
    const unregister = onCleanup(drop);
    return {
      engine,
      label,
      databaseUrl: `sqlite:${path}`,
      sqlitePath: path,
      raw: async () => {
        const db = new SQLite(path);
        db.pragma('busy_timeout = 10000');
        return db;
      },
      drop: async () => {
        unregister();
        await drop();
      },
    };
  }
  const name = `iqra_bench_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const drop = () => admin(`drop database if exists ${name} with (force)`);
  const unregister = onCleanup(drop);
  return {
    engine,
    label,
    databaseUrl: url.toString(),
    raw: async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      return client;
    },
    drop: async () => {
      unregister();
      await drop();
    },
  };
}

async function admin(statement) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Runs `fn(raw)` over a plain connection and closes it. */
export async function withRaw(store, fn) {
  const raw = await store.raw();
  try {
    return await fn(raw);
  } finally {
    if (store.engine === 'sqlite') raw.close();
    else await raw.end();
  }
}
