import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/auth/key-format.js';
import { call, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

describe('rate limits', () => {
  let t: TestApp;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestApp({ config: { rateLimitPerMinute: 60, authFailuresPerMinute: 100 } });
    owner = await signUp(t.app);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('the 61st request in a minute gets 429 with the headers; another key is unaffected', async () => {
    const { key } = await createKey(t.app, owner);
    const { key: other } = await createKey(t.app, owner);
    for (let i = 1; i <= 60; i++) {
      const res = await call(t.app, { url: '/api/v1/businesses', as: { key } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('60');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(60 - i));
      const reset = Number(res.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
    }
    const throttled = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['content-type']).toContain('application/problem+json');
    expect(throttled.headers['x-ratelimit-limit']).toBe('60');
    expect(throttled.headers['x-ratelimit-remaining']).toBe('0');
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(throttled.headers['x-ratelimit-reset']).toBe(String(retryAfter));
    expect(throttled.json()).toMatchObject({
      status: 429,
      code: 'rate_limited',
      detail: `Request was throttled. Expected available in ${retryAfter} seconds.`,
    });

    const unaffected = await call(t.app, { url: '/api/v1/businesses', as: { key: other } });
    expect(unaffected.statusCode).toBe(200);
    expect(unaffected.headers['x-ratelimit-remaining']).toBe('59');
  });

  it('a key can have its own budget', async () => {
    const { key, id } = await createKey(t.app, owner);
    await t.store.db.updateTable('api_keys').set({ rate_limit: 3 }).where('id', '=', id).execute();
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const shown = await call(t.app, { url: `/api/v1/user/api-keys/${id}`, as: { session: owner } });
    expect(shown.json().rateLimitPerMinute).toBe(3);
  });

  it('a session user has a budget too', async () => {
    const user = await signUp(t.app);
    let last = 0;
    for (let i = 0; i < 61; i++) {
      last = (await call(t.app, { url: '/api/v1/businesses', as: { session: user } })).statusCode;
      if (i < 60) expect(last).toBe(200);
    }
    expect(last).toBe(429);
  });

  it('more than 100 failed authentications from one address in a minute get 429', async () => {
    const attacker = { remoteAddress: '203.0.113.7' };
    const { key } = await createKey(t.app, owner);
    // A key the attacker's address already used keeps working from the cache.
    const before = await t.app.inject({
      url: '/api/v1/businesses',
      headers: { authorization: `Token ${key}` },
      ...attacker,
    });
    expect(before.statusCode).toBe(200);
    for (let i = 0; i < 100; i++) {
      const res = await t.app.inject({
        url: '/api/v1/businesses',
        headers: { authorization: `Token ${generateKey()}` },
        ...attacker,
      });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await t.app.inject({
      url: '/api/v1/businesses',
      headers: { authorization: `Token ${generateKey()}` },
      ...attacker,
    });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Malformed keys and wrong schemes count too.
    const malformed = await t.app.inject({
      url: '/api/v1/businesses',
      headers: { authorization: 'Token nope' },
      ...attacker,
    });
    expect(malformed.statusCode).toBe(429);

    const cached = await t.app.inject({
      url: '/api/v1/businesses',
      headers: { authorization: `Token ${key}` },
      ...attacker,
    });
    expect(cached.statusCode).toBe(200);
    const elsewhere = await t.app.inject({
      url: '/api/v1/businesses',
      headers: { authorization: `Token ${generateKey()}` },
      remoteAddress: '198.51.100.9',
    });
    expect(elsewhere.statusCode).toBe(401);
  });

  it('public routes carry no rate-limit headers and are not throttled', async () => {
    const res = await call(t.app, { url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
  });
});
