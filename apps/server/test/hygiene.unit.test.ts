import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/db/connect.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Files holding secrets are owner-only, whatever the umask (0 here: the loosest). */
describe('files are created owner-only', () => {
  let dir: string;
  let umask: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iqra-hygiene-'));
    umask = process.umask(0);
  });

  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the SQLite database and its -wal and -shm files are 0600', async () => {
    const path = join(dir, 'data', 'iqra.db');
    const store = openStore({ kind: 'sqlite', path });
    await sql`create table t (x integer)`.execute(store.db);
    await sql`insert into t values (1)`.execute(store.db);
    try {
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect({ file, mode: modeOf(file).toString(8) }).toEqual({ file, mode: '600' });
      }
      expect(modeOf(join(dir, 'data')).toString(8)).toBe('700');
    } finally {
      await store.close();
    }
  });

  it('./data/secrets.json is created 0600', () => {
    loadConfig({ NODE_ENV: 'development' }, dir);
    expect(modeOf(join(dir, 'data', 'secrets.json')).toString(8)).toBe('600');
  });

  it('an existing ./data/secrets.json readable by others is tightened to 0600', () => {
    const file = join(dir, 'data', 'secrets.json');
    loadConfig({}, dir);
    chmodSync(file, 0o644);
    const again = loadConfig({}, dir);
    expect(modeOf(file).toString(8)).toBe('600');
    expect(again.pepper.length).toBeGreaterThanOrEqual(32);
  });

  it('an existing database file keeps its mode (the operator chose it)', async () => {
    const path = join(dir, 'kept.db');
    writeFileSync(path, '', { mode: 0o640 });
    const store = openStore({ kind: 'sqlite', path });
    await sql`select 1`.execute(store.db);
    await store.close();
    expect(modeOf(path).toString(8)).toBe('640');
  });
});
