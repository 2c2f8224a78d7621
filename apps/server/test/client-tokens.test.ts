import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { asToken, mintToken } from './helpers/client-tokens.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/** Minting and using client tokens (API.md §7). */

let t: TestApp;
let owner: Session;
let biz: string;
let otherUsersBiz: string;
const statements: string[] = [];

beforeAll(async () => {
  t = await startTestApp({
    captureLogs: true,
    config: { authFailuresPerMinute: 5 },
    onQuery: (sql) => statements.push(sql),
  });
  owner = await signUp(t.app);
  biz = await createBusiness(t.app, owner);
  otherUsersBiz = await createBusiness(t.app, await signUp(t.app), 'Theirs');
});

afterAll(async () => {
  await t?.close();
});

const mint = (key: string, body: unknown, headers?: Record<string, string>) =>
  call(t.app, { method: 'POST', url: '/api/v1/client-tokens', as: { key }, body, headers });
const conversations = (token: string, businessId = biz) =>
  call(t.app, {
    url: `/api/v1/businesses/${businessId}/conversations`,
    as: asToken(token),
  });

describe('POST /api/v1/client-tokens', () => {
  it('answers 201 with an iqra_ct_ token, its expiry, business and permissions; no-store', async () => {
    const { key } = await createKey(t.app, owner);
    const before = Date.now();
    const res = await mint(key, { businessId: biz, permissions: { conversations: 'read' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as Record<string, string>;
    expect(body.token).toMatch(/^iqra_ct_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(body).toMatchObject({ businessId: biz, permissions: { conversations: 'read' } });
    const ttl = Date.parse(body.expiresAt ?? '') - before;
    expect(ttl).toBeGreaterThan(599_000);
    expect(ttl).toBeLessThan(601_000);
    expect((await conversations(body.token ?? '')).statusCode).toBe(200);
  });

  it('never lets a token outlive its key', async () => {
    const expiresAt = new Date(Date.now() + 120_000).toISOString();
    const { key } = await createKey(t.app, owner, { expiresAt });
    const res = await mint(key, {
      businessId: biz,
      permissions: { calls: 'read' },
      ttlSeconds: 3600,
    });
    expect(Date.parse((res.json() as { expiresAt: string }).expiresAt)).toBe(Date.parse(expiresAt));
  });

  it('refuses bad bodies: no permissions, other resources, agents:write, ttl out of range (400)', async () => {
    const { key } = await createKey(t.app, owner);
    for (const body of [
      { businessId: biz },
      { businessId: biz, permissions: {} },
      { businessId: biz, permissions: { webhooks: 'read' } },
      { businessId: biz, permissions: { agents: 'write' } },
      { businessId: biz, permissions: { conversations: 'write' } },
      { businessId: biz, permissions: { calls: 'read' }, ttlSeconds: 59 },
      { businessId: biz, permissions: { calls: 'read' }, ttlSeconds: 3601 },
    ]) {
      const res = await mint(key, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
  });

  it('refuses a permission above the key’s own (403 escalation_denied, naming it)', async () => {
    const { key } = await createKey(t.app, owner, { permissions: { calls: 'read' } });
    const res = await mint(key, { businessId: biz, permissions: { calls: 'write' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'escalation_denied' });
    expect((res.json() as { detail: string }).detail).toContain('permissions.calls');
  });

  it('refuses a business outside the key’s scope (403) and another user’s (404)', async () => {
    const other = await createBusiness(t.app, owner, 'Other');
    const { key } = await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [biz] },
    });
    const out = await mint(key, { businessId: other, permissions: { calls: 'read' } });
    expect(out.statusCode).toBe(403);
    expect(out.json()).toMatchObject({ code: 'business_access_denied' });
    const theirs = await mint(key, { businessId: otherUsersBiz, permissions: { calls: 'read' } });
    expect(theirs.statusCode).toBe(404);
  });

  it('is for API keys: a session gets 403 api_key_required, a client token 403 client_token_not_allowed', async () => {
    const body = { businessId: biz, permissions: { calls: 'read' } };
    const bySession = await call(t.app, {
      method: 'POST',
      url: '/api/v1/client-tokens',
      as: { session: owner },
      body,
    });
    expect(bySession.json()).toMatchObject({ status: 403, code: 'api_key_required' });
    const { key } = await createKey(t.app, owner);
    const token = await mintToken(t.app, key, body);
    const byToken = await call(t.app, {
      method: 'POST',
      url: '/api/v1/client-tokens',
      as: asToken(token),
      body,
    });
    expect(byToken.json()).toMatchObject({ status: 403, code: 'client_token_not_allowed' });
  });

  it('honours Idempotency-Key: the same token again (200, Idempotent-Replayed), another body 422', async () => {
    const { key } = await createKey(t.app, owner);
    const body = { businessId: biz, permissions: { calls: 'read' } };
    const headers = { 'idempotency-key': 'mint-1' };
    const first = await mint(key, body, headers);
    const again = await mint(key, body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await mint(key, { ...body, ttlSeconds: 60 }, headers);
    expect(other.statusCode).toBe(422);
  });

  it('applies the key’s allowlist when minting, not when the browser uses the token', async () => {
    const { key } = await createKey(t.app, owner, { allowedIps: ['10.1.2.3'] });
    const body = { businessId: biz, permissions: { conversations: 'read' } };
    expect((await mint(key, body)).statusCode).toBe(403);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/client-tokens',
      remoteAddress: '10.1.2.3',
      headers: { authorization: `Token ${key}` },
      payload: body,
    });
    expect(res.statusCode).toBe(201);
    expect((await conversations((res.json() as { token: string }).token)).statusCode).toBe(200);
  });
});

describe('using a client token', () => {
  it('spends its own budget and its key’s: tokens never multiply a key’s limit', async () => {
    const { key } = await createKey(t.app, owner, { rateLimitPerMinute: 4 });
    const body = { businessId: biz, permissions: { conversations: 'read' } };
    const first = await mintToken(t.app, key, body); // 1 of the key's 4
    const second = await mintToken(t.app, key, body); // 2
    expect((await conversations(first)).statusCode).toBe(200); // 3
    const res = await conversations(second); // 4
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    const over = await conversations(first);
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBeDefined();
    const byKey = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(byKey.statusCode).toBe(429);
  });

  it('dies with revoke-client-tokens: older tokens 401, newer ones work, the key still works', async () => {
    const made = await createKey(t.app, owner);
    const body = { businessId: biz, permissions: { conversations: 'read' } };
    const old = await mintToken(t.app, made.key, body);
    expect((await conversations(old)).statusCode).toBe(200);
    const res = await call(t.app, {
      method: 'POST',
      url: `/api/v1/user/api-keys/${made.id}/revoke-client-tokens`,
      as: { session: owner },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: made.id, status: 'active' });
    const replay = await conversations(old);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ detail: 'Invalid token.' });
    await new Promise((r) => setTimeout(r, 2));
    const fresh = await mintToken(t.app, made.key, body);
    expect((await conversations(fresh)).statusCode).toBe(200);
    expect(
      (await call(t.app, { url: '/api/v1/businesses', as: { key: made.key } })).statusCode,
    ).toBe(200);
  });

  it('revoke-client-tokens: an API key may do it only for keys it could create (404 otherwise)', async () => {
    const target = await createKey(t.app, owner, { userManagement: true });
    const narrow = await createKey(t.app, owner, {
      userManagement: true,
      businessScope: { type: 'restricted', businessIds: [biz] },
    });
    const res = await call(t.app, {
      method: 'POST',
      url: `/api/v1/user/api-keys/${target.id}/revoke-client-tokens`,
      as: { key: narrow.key },
    });
    expect(res.statusCode).toBe(404);
  });

  it('verifies a warm token with no database I/O on the key (no read, no write)', async () => {
    const made = await createKey(t.app, owner);
    const token = await mintToken(t.app, made.key, {
      businessId: biz,
      permissions: { conversations: 'read' },
    });
    await conversations(token);
    statements.length = 0;
    expect((await conversations(token)).statusCode).toBe(200);
    const keyStatements = statements.filter((s) =>
      // Background claims (`… for update skip locked` on calls/deliveries) are not the key's.
      /^\s*(insert|update)\b|api_keys|users|sessions/i.test(s),
    );
    expect(keyStatements).toEqual([]);
  });

  it('counts client-token failures against a budget of their own per address', async () => {
    const address = '198.51.100.7';
    const bad = (authorization: string) =>
      t.app.inject({
        url: `/api/v1/businesses/${biz}/conversations`,
        remoteAddress: address,
        headers: { authorization },
      });
    for (let i = 0; i < 5; i++) expect((await bad('Token iqra_ct_nope.x')).statusCode).toBe(401);
    expect((await bad('Token iqra_ct_nope.x')).statusCode).toBe(429);
    // Bad API keys from the same address still have their own budget.
    expect((await bad('Token iqra_sk_nope')).statusCode).toBe(401);
  });

  it('never writes a whole token to the logs', async () => {
    const { key } = await createKey(t.app, owner);
    const token = await mintToken(t.app, key, { businessId: biz, permissions: { calls: 'read' } });
    await call(t.app, { url: `/api/v1/businesses/${biz}/calls?x=${token}`, as: asToken(token) });
    const signature = token.slice(token.indexOf('.') + 1);
    expect(t.logs.join('\n')).not.toContain(signature);
  });
});
