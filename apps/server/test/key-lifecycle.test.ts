import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/** API.md §5: allowlists, escalation, roll, cascade revoke, key policy. */
describe('key lifecycle', () => {
  let t: TestApp;
  let owner: Session;
  let biz: string;

  beforeAll(async () => {
    t = await startTestApp({ config: { trustProxy: 1 } });
    owner = await signUp(t.app);
    biz = await createBusiness(t.app, owner, 'Clinic');
  });
  afterAll(async () => {
    await t?.close();
    vi.useRealTimers();
  });

  /** With TRUST_PROXY=1 the client is the rightmost X-Forwarded-For entry (the one hop's). */
  const from = (key: string, xff: string) =>
    call(t.app, { url: '/api/v1/businesses', as: { key }, headers: { 'x-forwarded-for': xff } });

  describe('IP allowlist', () => {
    it.each([
      ['an IPv4 address', ['203.0.113.9'], '203.0.113.9'],
      ['an IPv4 CIDR', ['203.0.113.0/24'], '203.0.113.200'],
      ['an IPv6 CIDR', ['2001:db8::/32'], '2001:db8:1::5'],
      ['an IPv4-mapped IPv6 client address', ['203.0.113.0/24'], '::ffff:203.0.113.7'],
    ])('lets %s in', async (_label, allowedIps, client) => {
      const { key } = await createKey(t.app, owner, { allowedIps });
      expect((await from(key, client)).statusCode).toBe(200);
    });

    it('refuses an address outside with 403 ip_not_allowed, spending none of the key budget', async () => {
      const { key } = await createKey(t.app, owner, { allowedIps: ['203.0.113.0/24'] });
      const res = await from(key, '198.51.100.7');
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        code: 'ip_not_allowed',
        detail: 'This API key cannot be used from this IP address.',
      });
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      const ok = await from(key, '203.0.113.1');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(1000 - 1));
    });

    it('a forged leftmost X-Forwarded-For does not get in behind one trusted hop', async () => {
      const { key } = await createKey(t.app, owner, { allowedIps: ['203.0.113.0/24'] });
      const res = await from(key, '203.0.113.9, 198.51.100.7');
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('ip_not_allowed');
    });

    it('refuses a malformed entry with 400 naming it', async () => {
      const res = await call(t.app, {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as: { session: owner },
        body: {
          name: 'x',
          businessScope: { type: 'unrestricted' },
          allowedIps: ['10.0.0.1', '127.1'],
        },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ path: '/allowedIps/1' });
    });
  });

  describe('no escalation in permissions and allowlist', () => {
    const mint = (key: string, body: Record<string, unknown>, xff = '203.0.113.5') =>
      call(t.app, {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as: { key },
        headers: { 'x-forwarded-for': xff },
        body: { name: 'child', ...body },
      });

    it('a wider permission or allowlist is 403 escalation_denied; equal, narrower or omitted is 201', async () => {
      const { key } = await createKey(t.app, owner, {
        userManagement: true,
        permissions: { calls: 'read', agents: 'write' },
        allowedIps: ['203.0.113.0/24'],
      });
      for (const [body, dimension] of [
        [{ permissions: { calls: 'write' } }, 'permissions'],
        [{ permissions: { webhooks: 'read' } }, 'permissions'],
        [{ allowedIps: ['203.0.0.0/16'] }, 'allowedIps'],
        [{ allowedIps: [] }, 'allowedIps'],
      ] as const) {
        const res = await mint(key, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(403);
        expect(res.json()).toMatchObject({
          code: 'escalation_denied',
          detail: `This API key cannot create a key with a wider "${dimension}" than its own.`,
        });
      }
      const inherited = await mint(key, {});
      expect(inherited.statusCode).toBe(201);
      expect(inherited.json()).toMatchObject({
        permissions: { calls: 'read', agents: 'write', webhooks: 'none' },
        allowedIps: ['203.0.113.0/24'],
      });
      const narrower = await mint(key, {
        permissions: { calls: 'read' },
        allowedIps: ['203.0.113.8/29'],
      });
      expect(narrower.statusCode).toBe(201);
    });

    it('a read-only user-management key cannot see, roll or revoke a write key (404)', async () => {
      const { key } = await createKey(t.app, owner, {
        userManagement: true,
        permissions: { calls: 'read' },
      });
      const target = await createKey(t.app, owner);
      for (const [method, url] of [
        ['GET', `/api/v1/user/api-keys/${target.id}`],
        ['POST', `/api/v1/user/api-keys/${target.id}/roll`],
        ['DELETE', `/api/v1/user/api-keys/${target.id}`],
      ] as const) {
        const res = await call(t.app, {
          method,
          url,
          as: { key },
          body: method === 'POST' ? {} : undefined,
        });
        expect(res.statusCode, url).toBe(404);
      }
      const listed = await call(t.app, { url: '/api/v1/user/api-keys', as: { key } });
      expect(listed.json().data.map((k: { id: string }) => k.id)).not.toContain(target.id);
    });

    it('a key cannot widen or clear its own allowlist with PATCH, but may narrow it', async () => {
      const { key, id } = await createKey(t.app, owner, {
        userManagement: true,
        allowedIps: ['203.0.113.0/24'],
      });
      const patch = (allowedIps: string[]) =>
        call(t.app, {
          method: 'PATCH',
          url: `/api/v1/user/api-keys/${id}`,
          as: { key },
          headers: { 'x-forwarded-for': '203.0.113.5' },
          body: { allowedIps },
        });
      expect((await patch(['0.0.0.0/0'])).statusCode).toBe(403);
      expect((await patch([])).statusCode).toBe(403);
      // Narrowed to a block that still holds the client; the old list is gone from the cache too.
      const narrowed = await patch(['203.0.113.0/28']);
      expect(narrowed.statusCode, narrowed.body).toBe(200);
      expect(narrowed.json().allowedIps).toEqual(['203.0.113.0/28']);
      expect((await from(key, '203.0.113.200')).statusCode).toBe(403);
    });
  });

  describe('roll', () => {
    it('the old key works during the overlap and answers 401 Invalid token. after it', async () => {
      const old = await createKey(t.app, owner, { permissions: { calls: 'read' } });
      const rolled = await call(t.app, {
        method: 'POST',
        url: `/api/v1/user/api-keys/${old.id}/roll`,
        as: { session: owner },
        body: { overlapSeconds: 3600 },
      });
      expect(rolled.statusCode).toBe(201);
      const fresh = rolled.json();
      expect(fresh).toMatchObject({
        rolledFromId: old.id,
        permissions: { calls: 'read', agents: 'none' },
        createdBy: { type: 'user', id: owner.userId },
      });
      expect(typeof fresh.key).toBe('string');
      const shown = await call(t.app, {
        url: `/api/v1/user/api-keys/${old.id}`,
        as: { session: owner },
      });
      expect(shown.json().rolledToId).toBe(fresh.id);

      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 3599_000);
        expect(
          (await call(t.app, { url: '/api/v1/businesses', as: { key: old.key } })).statusCode,
        ).toBe(200);
        vi.setSystemTime(Date.now() + 2_000);
        const after = await call(t.app, { url: '/api/v1/businesses', as: { key: old.key } });
        expect(after.statusCode).toBe(401);
        expect(after.json().detail).toBe('Invalid token.');
        expect(
          (await call(t.app, { url: '/api/v1/businesses', as: { key: fresh.key } })).statusCode,
        ).toBe(200);
      } finally {
        vi.useRealTimers();
      }
    });

    it('overlap 0 refuses the old key on the next request; a second roll is 409 key_already_rolled', async () => {
      const old = await createKey(t.app, owner);
      const roll = (id: string) =>
        call(t.app, {
          method: 'POST',
          url: `/api/v1/user/api-keys/${id}/roll`,
          as: { session: owner },
          body: { overlapSeconds: 0 },
        });
      expect(
        (await call(t.app, { url: '/api/v1/businesses', as: { key: old.key } })).statusCode,
      ).toBe(200);
      expect((await roll(old.id)).statusCode).toBe(201);
      expect(
        (await call(t.app, { url: '/api/v1/businesses', as: { key: old.key } })).statusCode,
      ).toBe(401);
      const again = await roll(old.id);
      expect(again.statusCode).toBe(409);
      // Expired by its overlap: not active any more, which is checked first.
      expect(['key_not_active', 'key_already_rolled']).toContain(again.json().code);
    });

    it('rolling a revoked key is 409 key_not_active', async () => {
      const k = await createKey(t.app, owner);
      await call(t.app, {
        method: 'DELETE',
        url: `/api/v1/user/api-keys/${k.id}`,
        as: { session: owner },
      });
      const res = await call(t.app, {
        method: 'POST',
        url: `/api/v1/user/api-keys/${k.id}/roll`,
        as: { session: owner },
        body: {},
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('key_not_active');
    });

    it('a roll never outlives the rolled key, and a roll made by a key is its descendant', async () => {
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const maker = await createKey(t.app, owner, { userManagement: true, expiresAt });
      const res = await call(t.app, {
        method: 'POST',
        url: `/api/v1/user/api-keys/${maker.id}/roll`,
        as: { key: maker.key },
        body: { overlapSeconds: 60 },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().expiresAt).toBe(expiresAt);
      expect(res.json().createdBy).toEqual({ type: 'api_key', id: maker.id });
    });
  });

  describe('revoke with descendants', () => {
    async function threeGenerations() {
      const first = await createKey(t.app, owner, { userManagement: true });
      const mintBy = async (key: string) => {
        const res = await call(t.app, {
          method: 'POST',
          url: '/api/v1/user/api-keys',
          as: { key },
          body: { name: 'child', userManagement: true },
        });
        return res.json() as { id: string; key: string };
      };
      const second = await mintBy(first.key);
      const third = await mintBy(second.key);
      return [first, second, third];
    }
    const status = async (id: string) =>
      (await call(t.app, { url: `/api/v1/user/api-keys/${id}`, as: { session: owner } })).json();

    it('cascade revokes all three generations, each with its own audit event', async () => {
      const [a, b, c] = await threeGenerations();
      const res = await call(t.app, {
        method: 'DELETE',
        url: `/api/v1/user/api-keys/${a!.id}?cascade=true`,
        as: { session: owner },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().cascaded.sort()).toEqual([b!.id, c!.id].sort());
      expect(await status(c!.id)).toMatchObject({ status: 'revoked', revokedReason: 'cascade' });
      const events = await t.store.db
        .selectFrom('audit_events')
        .select(['target_id', 'data'])
        .where('action', '=', 'api_key.revoked')
        .where('target_id', 'in', [a!.id, b!.id, c!.id])
        .execute();
      expect(events).toHaveLength(3);
      for (const e of events) expect(JSON.parse(e.data ?? '{}').cascadeRootId).toBe(a!.id);
      expect(
        (await call(t.app, { url: '/api/v1/businesses', as: { key: c!.key } })).statusCode,
      ).toBe(401);
    });

    it('without cascade only the first is revoked', async () => {
      const [a, b, c] = await threeGenerations();
      await call(t.app, {
        method: 'DELETE',
        url: `/api/v1/user/api-keys/${a!.id}`,
        as: { session: owner },
      });
      expect((await status(a!.id)).status).toBe('revoked');
      expect((await status(b!.id)).status).toBe('active');
      expect((await status(c!.id)).status).toBe('active');
    });
  });

  describe('key policy', () => {
    it('caps new keys and rolls; a later expiresAt is 400; PUT needs a session', async () => {
      const user = await signUp(t.app);
      const put = await call(t.app, {
        method: 'PUT',
        url: '/api/v1/user/key-policy',
        as: { session: user },
        body: { maxLifetimeDays: 30 },
      });
      expect(put.statusCode).toBe(200);
      const k = await createKey(t.app, user, { userManagement: true });
      const days = (Date.parse(k.json.expiresAt as string) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
      const late = await call(t.app, {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as: { session: user },
        body: { name: 'x', businessScope: { type: 'unrestricted' }, expiresAt: null },
      });
      expect(late.statusCode).toBe(400);
      const byKey = await call(t.app, {
        method: 'PUT',
        url: '/api/v1/user/key-policy',
        as: { key: k.key },
        body: { maxLifetimeDays: null },
      });
      expect(byKey.statusCode).toBe(403);
      void biz;
    });
  });
});
