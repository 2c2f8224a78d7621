import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createKey, type Session, signUp, uniqueEmail } from './helpers/client.js';
import { startPeerApp, startTestApp, type TestApp } from './helpers/harness.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** With REDIS_URL, every server node spends from the same budgets. */
describe('rate limits shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: Session;

  beforeAll(async () => {
    a = await startTestApp({
      config: { redisUrl, rateLimitPerMinute: 60 },
      sqliteFile: true,
      invalidationPollMs: 60_000,
    });
    // Polling the database is the fallback; slow it right down so only Redis can be quick.
    b = await startPeerApp(a, { invalidationPollMs: 60_000 });
    // A fresh address per run: Redis outlives the test, and signups are throttled per address.
    const address = `10.${randomBytes(3).join('.')}`;
    owner = await signUp(a.app, uniqueEmail(), 'correct horse battery', address);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('the 61st request across two nodes gets 429', async () => {
    const { key } = await createKey(a.app, owner);
    for (let i = 0; i < 60; i++) {
      const node = i % 2 === 0 ? a : b;
      const res = await call(node.app, { url: '/api/v1/businesses', as: { key } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-remaining']).toBe(String(59 - i));
    }
    const res = await call(b.app, { url: '/api/v1/businesses', as: { key } });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const other = (await createKey(a.app, owner)).key;
    expect((await call(b.app, { url: '/api/v1/businesses', as: { key: other } })).statusCode).toBe(
      200,
    );
  });

  it('a key revoked on one node is refused by the other at once', async () => {
    const { key, id } = await createKey(a.app, owner);
    expect((await call(b.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    await call(a.app, {
      method: 'DELETE',
      url: `/api/v1/user/api-keys/${id}`,
      as: { session: owner },
    });
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3000) {
      status = (await call(b.app, { url: '/api/v1/businesses', as: { key } })).statusCode;
      if (status === 200) await new Promise((r) => setTimeout(r, 10));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('a key rolled with overlap 0 on one node is refused by the other at once', async () => {
    const { key, id } = await createKey(a.app, owner);
    // Node b has verified (and cached) the old key before the roll.
    expect((await call(b.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    const rolled = await call(a.app, {
      method: 'POST',
      url: `/api/v1/user/api-keys/${id}/roll`,
      as: { session: owner },
      body: { overlapSeconds: 0 },
    });
    expect(rolled.statusCode).toBe(201);
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3000) {
      status = (await call(b.app, { url: '/api/v1/businesses', as: { key } })).statusCode;
      if (status === 200) await new Promise((r) => setTimeout(r, 10));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(250);
    const fresh = (rolled.json() as { key: string }).key;
    expect((await call(b.app, { url: '/api/v1/businesses', as: { key: fresh } })).statusCode).toBe(
      200,
    );
  });
});
