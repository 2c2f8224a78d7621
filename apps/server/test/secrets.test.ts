import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { engine, startTestApp, type TestApp } from './helpers/harness.js';

/** The plaintext key exists in exactly one place after creation: the create answer. */
describe('the plaintext key appears nowhere after creation', () => {
  let t: TestApp;
  let owner: Session;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    t = await startTestApp({ captureLogs: true, sqliteFile: true });
    owner = await signUp(t.app);
    const biz = await createBusiness(t.app, owner);
    const created = await createKey(t.app, owner, {
      name: 'Secret scan',
      businessScope: { type: 'restricted', businessIds: [biz] },
      userManagement: true,
    });
    key = created.key;
    keyId = created.id;

    // Use the key in every way a client might, including careless ones.
    await call(t.app, { url: '/api/v1/businesses', as: { key } });
    await call(t.app, { url: `/api/v1/businesses?token=${key}`, as: { key } });
    await call(t.app, { url: '/api/v1/user/api-keys', as: { key } });
    await call(t.app, { url: `/api/v1/user/api-keys/${keyId}`, as: { key } });
    await call(t.app, { url: '/api/v1/businesses', as: { authorization: `Bearer ${key}` } });
    await call(t.app, { url: '/api/v1/businesses', as: { authorization: `Token ${key}x` } });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/businesses',
      headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
      payload: `{"name": "${key}`,
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/user/api-keys',
      headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: key, businessScope: { type: 'bogus' } }),
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('is not in list or get answers', async () => {
    const list = await call(t.app, { url: '/api/v1/user/api-keys', as: { key } });
    const one = await call(t.app, { url: `/api/v1/user/api-keys/${keyId}`, as: { key } });
    for (const res of [list, one]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(key);
      expect(res.body).not.toContain(key.slice(8, 40));
      expect(res.body).not.toMatch(/"key"|keyHash|key_hash/);
    }
    expect(one.json()).toMatchObject({ prefix: key.slice(0, 12), lastFour: key.slice(-4) });
  });

  it('is not in any table', async () => {
    if (engine === 'sqlite') {
      await t.app.close(); // flush pending writes (last-used batch) before reading the files
      const path = t.sqlitePath ?? '';
      const files = [path, `${path}-wal`].flatMap((file) => {
        try {
          return [readFileSync(file)];
        } catch {
          return [];
        }
      });
      const bytes = Buffer.concat(files);
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(key.slice(8, 40)))).toBe(false);
      // The scan would find it if it were there: the display hint is stored.
      expect(bytes.includes(Buffer.from(key.slice(0, 12)))).toBe(true);
    } else {
      const schema = t.store.schema ?? 'public';
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema}
      `.execute(t.store.db);
      expect(tables.rows.length).toBeGreaterThan(5);
      let rows = 0;
      for (const { table_name } of tables.rows) {
        const result = await sql<
          Record<string, unknown>
        >`select * from ${sql.id(schema, table_name)}`.execute(t.store.db);
        for (const row of result.rows) {
          rows++;
          const text = JSON.stringify(row);
          expect(text, table_name).not.toContain(key);
          expect(text, table_name).not.toContain(key.slice(8, 40));
        }
      }
      expect(rows).toBeGreaterThan(5);
    }
  });

  it('is not in the logs of the run', () => {
    const logs = t.logs.join('');
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toContain('iqra_sk_[redacted]');
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(key.slice(8, 40));
  });
});
