import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp, testDatabase } from './helpers/harness.js';

describe('a key’s business scope has one source of truth: api_key_businesses', () => {
  let t: TestApp;
  let owner: Session;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await signUp(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });
  const remove = (businessId: string) =>
    call(t.app, {
      method: 'DELETE',
      url: `/api/v1/businesses/${businessId}`,
      as: { session: owner },
    });
  const keyView = async (id: string) =>
    (await call(t.app, { url: `/api/v1/user/api-keys/${id}`, as: { session: owner } })).json();

  it('deleting a business removes it from a restricted key’s businessIds; the key keeps the rest', async () => {
    const [x, y] = [
      await createBusiness(t.app, owner, 'X'),
      await createBusiness(t.app, owner, 'Y'),
    ];
    const { key, id } = await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [x, y] },
    });
    expect((await call(t.app, { url: `/api/v1/businesses/${x}`, as: { key } })).statusCode).toBe(
      200,
    );
    expect((await remove(x)).statusCode).toBe(204);
    expect(await keyView(id)).toMatchObject({
      status: 'active',
      revokedReason: null,
      businessScope: { type: 'restricted', businessIds: [y] },
    });
    const list = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(list.json().data.map((b: { id: string }) => b.id)).toEqual([y]);
  });

  it('a restricted key whose last business is deleted is revoked (scope_empty) and answers 401', async () => {
    const z = await createBusiness(t.app, owner, 'Z');
    const { key, id } = await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [z] },
    });
    const unrestricted = await createKey(t.app, owner);
    // Warm the verifier's cache: the deletion must drop it, not wait for it to age out.
    expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    expect((await remove(z)).statusCode).toBe(204);
    const res = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('Invalid token.');
    expect(await keyView(id)).toMatchObject({
      status: 'revoked',
      revokedReason: 'scope_empty',
      revokedAt: expect.any(String),
      businessScope: { type: 'restricted', businessIds: [] },
    });
    const still = await call(t.app, { url: '/api/v1/businesses', as: { key: unrestricted.key } });
    expect(still.statusCode).toBe(200);
  });

  it('deleting a key’s last two businesses concurrently still revokes it', async () => {
    const p = await createBusiness(t.app, owner, 'P');
    const q = await createBusiness(t.app, owner, 'Q');
    const { key, id } = await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [p, q] },
    });
    const answers = await Promise.all([remove(p), remove(q)]);
    expect(answers.map((r) => r.statusCode)).toEqual([204, 204]);
    expect(await keyView(id)).toMatchObject({ status: 'revoked', revokedReason: 'scope_empty' });
    expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(401);
  });
});

describe('migration 0005 moves existing keys to the join table and records their maker', () => {
  it('backfills join rows from the JSON list, revokes keys left with none, drops the column', async () => {
    const { database, dispose } = testDatabase({ sqliteFile: true });
    const store = openStore(database);
    try {
      await migrateToLatest(store, { upTo: '0004_webhooks_billing' });
      // The old schema: typed loosely, since the app's types describe the new one.
      const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      const now = new Date().toISOString();
      await db
        .insertInto('users')
        .values({
          id: 'usr_1',
          email: 'a@example.com',
          name: 'A',
          password_hash: null,
          disabled: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const business = (id: string) => ({
        id,
        owner_id: 'usr_1',
        name: id,
        default_language: 'en',
        timezone: 'UTC',
        disabled: 0,
        created_at: now,
        updated_at: now,
      });
      await db
        .insertInto('businesses')
        .values([business('biz_1'), business('biz_2')])
        .execute();
      const key = (
        id: string,
        scope: string,
        ids: string[],
        extra: Record<string, unknown> = {},
      ) => ({
        id,
        user_id: 'usr_1',
        name: id,
        key_hash: `hash_${id}`,
        prefix: 'iqra_sk_xxxx',
        last_four: 'xxxx',
        business_scope_type: scope,
        business_ids: JSON.stringify(ids),
        user_management: 0,
        rate_limit: null,
        status: 'active',
        created_by_key_id: null,
        created_at: now,
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
        ...extra,
      });
      await db
        .insertInto('api_keys')
        .values([
          key('key_json_only', 'restricted', ['biz_1', 'biz_2']),
          key('key_both', 'restricted', ['biz_1']),
          key('key_gone', 'restricted', ['biz_deleted']),
          key('key_child', 'unrestricted', [], { created_by_key_id: 'key_json_only' }),
          key('key_revoked', 'unrestricted', [], { status: 'revoked', revoked_at: now }),
        ])
        .execute();
      await db
        .insertInto('api_key_businesses')
        .values({ key_id: 'key_both', business_id: 'biz_1' })
        .execute();

      await migrateToLatest(store);

      const links = await store.db
        .selectFrom('api_key_businesses')
        .selectAll()
        .orderBy('key_id')
        .orderBy('business_id')
        .execute();
      expect(links).toEqual([
        { key_id: 'key_both', business_id: 'biz_1' },
        { key_id: 'key_json_only', business_id: 'biz_1' },
        { key_id: 'key_json_only', business_id: 'biz_2' },
      ]);
      const rows = await store.db
        .selectFrom('api_keys')
        .select(['id', 'status', 'revoked_reason', 'created_by_type', 'created_by_id'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        {
          id: 'key_both',
          status: 'active',
          revoked_reason: null,
          created_by_type: 'user',
          created_by_id: 'usr_1',
        },
        {
          id: 'key_child',
          status: 'active',
          revoked_reason: null,
          created_by_type: 'api_key',
          created_by_id: 'key_json_only',
        },
        {
          id: 'key_gone',
          status: 'revoked',
          revoked_reason: 'scope_empty',
          created_by_type: 'user',
          created_by_id: 'usr_1',
        },
        {
          id: 'key_json_only',
          status: 'active',
          revoked_reason: null,
          created_by_type: 'user',
          created_by_id: 'usr_1',
        },
        {
          id: 'key_revoked',
          status: 'revoked',
          revoked_reason: 'manual',
          created_by_type: 'user',
          created_by_id: 'usr_1',
        },
      ]);
      const tables = await store.db.introspection.getTables();
      const columns = tables.find((table) => table.name === 'api_keys')?.columns.map((c) => c.name);
      expect(columns).not.toContain('business_ids');
      expect(columns).not.toContain('created_by_key_id');
      await expect(sql`select business_ids from api_keys`.execute(store.db)).rejects.toThrow();
    } finally {
      await dispose(store);
      await store.close();
    }
  });
});
