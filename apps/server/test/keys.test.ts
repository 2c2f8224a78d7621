import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

describe('API keys', () => {
  let t: TestApp;
  let owner: Session;
  let bizA: string;
  let bizB: string;
  const queries: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      onQuery: (sql) => queries.push(sql),
      // Only requests may query here: every background task stays idle during the test.
      background: { dispatchPollMs: 3_600_000, deliveryPollMs: 3_600_000 },
      invalidationPollMs: 3_600_000,
      lastUsedFlushMs: 3_600_000,
    });
    owner = await signUp(t.app);
    bizA = await createBusiness(t.app, owner, 'A');
    bizB = await createBusiness(t.app, owner, 'B');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('shows the key once, with the contract shape', async () => {
    const res = await call(t.app, {
      method: 'POST',
      url: '/api/v1/user/api-keys',
      as: { session: owner },
      body: {
        name: 'Zapier Integration - Dental Clinic',
        businessScope: { type: 'restricted', businessIds: [bizA, bizA] },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body.key).toMatch(/^iqra_sk_[0-9A-Za-z]{38}$/);
    expect(body).toEqual({
      id: expect.stringMatching(/^key_[0-9a-z]{26}$/),
      name: 'Zapier Integration - Dental Clinic',
      prefix: body.key.slice(0, 12),
      lastFour: body.key.slice(-4),
      businessScope: { type: 'restricted', businessIds: [bizA] },
      userManagement: false,
      // Created without permissions from a session: write everywhere, as before (API.md §5).
      permissions: {
        businesses: 'write',
        agents: 'write',
        calls: 'write',
        conversations: 'write',
        webhooks: 'write',
        telephony: 'write',
      },
      allowedIps: [],
      rolledFromId: null,
      rolledToId: null,
      rateLimitPerMinute: 1000,
      status: 'active',
      revokedReason: null,
      createdBy: { type: 'user', id: owner.userId },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
      key: body.key,
    });
    const again = await call(t.app, {
      url: `/api/v1/user/api-keys/${body.id}`,
      as: { session: owner },
    });
    const { key: _key, ...withoutKey } = body;
    expect(again.json()).toEqual(withoutKey);
  });

  it('verifies with no database write and at most one indexed read, permissions and allowlist included', async () => {
    // Inject's client address is 127.0.0.1: inside the allowlist, so both are evaluated in memory.
    const { key, id } = await createKey(t.app, owner, {
      permissions: { businesses: 'read' },
      allowedIps: ['127.0.0.0/8', '2001:db8::/32'],
    });
    queries.length = 0;
    const first = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(first.statusCode).toBe(200);
    const keyReads = queries.filter((q) => /from "api_keys"/.test(q));
    expect(keyReads).toHaveLength(1);
    expect(keyReads[0]).toMatch(/where "k"\."key_hash" in \((\?|\$\d+)\)/);
    expect(queries.filter((q) => /^\s*(insert|update|delete)/i.test(q))).toEqual([]);

    queries.length = 0;
    await call(t.app, { url: `/api/v1/businesses/${bizA}`, as: { key } });
    expect(queries.filter((q) => /from "businesses"/.test(q))).toHaveLength(1);
    queries.length = 0;
    await call(t.app, { url: `/api/v1/businesses/${bizA}`, as: { key } });
    // Warm: neither the key nor the business is read again.
    expect(queries).toEqual([]);

    // lastUsedAt is visible at once, written later in a batch.
    const row = await t.store.db
      .selectFrom('api_keys')
      .select('last_used_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeNull();
    const shown = await call(t.app, { url: `/api/v1/user/api-keys/${id}`, as: { session: owner } });
    expect(shown.json().lastUsedAt).toEqual(expect.any(String));
  });

  it('a restricted key is verified in one statement that reads its businesses from the join table', async () => {
    const { key } = await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [bizB, bizA] },
    });
    queries.length = 0;
    const res = await call(t.app, { url: `/api/v1/businesses/${bizB}`, as: { key } });
    expect(res.statusCode).toBe(200);
    const scopeReads = queries.filter((q) => /api_key/.test(q));
    expect(scopeReads).toHaveLength(1);
    expect(scopeReads[0]).toMatch(/from "api_keys" as "k"/);
    expect(scopeReads[0]).toMatch(/from api_key_businesses/);
    expect(scopeReads[0]).toMatch(/where "k"\."key_hash" in \((\?|\$\d+)\)/);
  });

  // Issue 12: with many distinct keys in use, misses come in crowds; one read serves a turn's.
  it('concurrent cold keys are read together: 40 requests with 20 keys, one statement', async () => {
    const keys = await Promise.all(Array.from({ length: 20 }, () => createKey(t.app, owner)));
    queries.length = 0;
    const answers = await Promise.all(
      [...keys, ...keys].map(({ key }) => call(t.app, { url: '/api/v1/businesses', as: { key } })),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 200));
    const keyReads = queries.filter((q) => /from "api_keys"/.test(q));
    expect(keyReads).toHaveLength(1);
    expect(keyReads[0]).toMatch(/where "k"\."key_hash" in \(((\?|\$\d+), ){19}(\?|\$\d+)\)/);
  });

  it('scopes the business list and refuses creating a business with a restricted key', async () => {
    const { key } = await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [bizB] },
    });
    const list = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(list.json().data.map((b: { id: string }) => b.id)).toEqual([bizB]);
    const create = await call(t.app, {
      method: 'POST',
      url: '/api/v1/businesses',
      as: { key },
      body: { name: 'X' },
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().code).toBe('unrestricted_key_required');
  });

  it('an unrestricted key reaches businesses created after it', async () => {
    const { key } = await createKey(t.app, owner);
    const later = await createBusiness(t.app, owner, 'Later');
    expect(
      (await call(t.app, { url: `/api/v1/businesses/${later}`, as: { key } })).statusCode,
    ).toBe(200);
    const list = await call(t.app, { url: '/api/v1/businesses?limit=100', as: { key } });
    expect(list.json().data.map((b: { id: string }) => b.id)).toContain(later);
  });

  it('refuses businesses that are not the owner’s, without telling which exist', async () => {
    const stranger = await signUp(t.app);
    const theirs = await createBusiness(t.app, stranger, 'Theirs');
    for (const id of [theirs, 'biz_00000000000000000000000000']) {
      const res = await call(t.app, {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as: { session: owner },
        body: { name: 'X', businessScope: { type: 'restricted', businessIds: [bizA, id] } },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        {
          path: '/businessScope/businessIds/1',
          message: `is not one of your businesses (${id})`,
          in: 'body',
        },
      ]);
    }
  });

  describe('a key made through the API never outranks the key that made it', () => {
    let restrictedAdmin: string;
    beforeAll(async () => {
      restrictedAdmin = (
        await createKey(t.app, owner, {
          businessScope: { type: 'restricted', businessIds: [bizA] },
          userManagement: true,
        })
      ).key;
    });
    const create = (key: string, businessScope: unknown) =>
      call(t.app, {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as: { key },
        body: { name: 'Child', businessScope },
      });

    it('no unrestricted child', async () => {
      const res = await create(restrictedAdmin, { type: 'unrestricted' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        code: 'escalation_denied',
        detail: 'This API key cannot create a key with a wider "businessScope" than its own.',
      });
    });

    it('no child reaching a business outside its list', async () => {
      expect(
        (await create(restrictedAdmin, { type: 'restricted', businessIds: [bizA, bizB] }))
          .statusCode,
      ).toBe(403);
    });

    it('a child within its list is fine', async () => {
      const res = await create(restrictedAdmin, { type: 'restricted', businessIds: [bizA] });
      expect(res.statusCode).toBe(201);
      const child = res.json().key as string;
      expect(
        (await call(t.app, { url: `/api/v1/businesses/${bizA}`, as: { key: child } })).statusCode,
      ).toBe(200);
      expect(
        (await call(t.app, { url: `/api/v1/businesses/${bizB}`, as: { key: child } })).statusCode,
      ).toBe(403);
    });

    it('an unrestricted key with user management may create anything', async () => {
      const admin = (await createKey(t.app, owner, { userManagement: true })).key;
      expect((await create(admin, { type: 'unrestricted' })).statusCode).toBe(201);
    });
  });

  it('expires at expiresAt: refused after, listed as expired', async () => {
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const { key, id, json } = await createKey(t.app, owner, { expiresAt });
    expect(json.expiresAt).toBe(expiresAt);
    expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    // Time passes (the cached copy carries the expiry, so no cache drop is needed).
    await t.store.db
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1).toISOString() })
      .where('id', '=', id)
      .execute();
    const fresh = await createKey(t.app, owner, {
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(
      (await call(t.app, { url: '/api/v1/businesses', as: { key: fresh.key } })).statusCode,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const res = await call(t.app, { url: '/api/v1/businesses', as: { key: fresh.key } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('Invalid token.');
    const expired = await call(t.app, {
      url: '/api/v1/user/api-keys?status=expired&limit=100',
      as: { session: owner },
    });
    expect(expired.json().data.map((k: { id: string }) => k.id)).toEqual(
      expect.arrayContaining([id, fresh.id]),
    );
    const active = await call(t.app, {
      url: '/api/v1/user/api-keys?status=active&limit=100',
      as: { session: owner },
    });
    expect(active.json().data.map((k: { id: string }) => k.id)).not.toContain(id);
  });

  it('refuses an expiry in the past or a malformed one', async () => {
    for (const expiresAt of [
      new Date(Date.now() - 1000).toISOString(),
      'tomorrow',
      '2026-13-45T00:00:00Z',
    ]) {
      const res = await call(t.app, {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as: { session: owner },
        body: { name: 'X', businessScope: { type: 'unrestricted' }, expiresAt },
      });
      expect(res.statusCode, expiresAt).toBe(400);
      expect(res.json().errors[0].path).toBe('/expiresAt');
    }
  });

  it('pages newest first, each key exactly once, with a tamper-evident cursor', async () => {
    const user = await signUp(t.app);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await createKey(t.app, user, { name: `k${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/user/api-keys?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call(t.app, { url, as: { session: user } });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { data: { id: string }[]; nextCursor: string | null };
      seen.push(...page.data.map((k) => k.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const first = (
      await call(t.app, { url: '/api/v1/user/api-keys?limit=10', as: { session: user } })
    ).json();
    const forged = `${Buffer.from(ids[0]!).toString('base64url')}.${first.nextCursor.split('.')[1]}`;
    const res = await call(t.app, {
      url: `/api/v1/user/api-keys?cursor=${forged}`,
      as: { session: user },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_cursor');
  });

  it('another user’s key is not found', async () => {
    const stranger = await signUp(t.app);
    const theirs = await createKey(t.app, stranger);
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await call(t.app, {
        method,
        url: `/api/v1/user/api-keys/${theirs.id}`,
        as: { session: owner },
      });
      expect(res.statusCode).toBe(404);
    }
    expect(
      (await call(t.app, { url: '/api/v1/businesses', as: { key: theirs.key } })).statusCode,
    ).toBe(200);
  });
});
