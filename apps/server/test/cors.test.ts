import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCorsOrigins } from '../src/config.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { mintToken } from './helpers/client-tokens.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/** CORS for browser apps holding a client token, and no session cookie across origins (§7). */

const APP = 'https://app.example.com';
let t: TestApp;
let owner: Session;
let biz: string;
let token: string;

beforeAll(async () => {
  t = await startTestApp({ config: { corsOrigins: [APP, 'http://localhost:5173'] } });
  owner = await signUp(t.app);
  biz = await createBusiness(t.app, owner);
  const { key } = await createKey(t.app, owner);
  token = await mintToken(t.app, key, { businessId: biz, permissions: { conversations: 'read' } });
});

afterAll(async () => {
  await t?.close();
});

const url = () => `/api/v1/businesses/${biz}/conversations`;

describe('CORS_ORIGINS', () => {
  it('refuses * and null and anything but an exact origin at start', () => {
    expect(() => parseCorsOrigins('*')).toThrow(/CORS_ORIGINS/);
    expect(() => parseCorsOrigins('https://a.example.com,null')).toThrow(/CORS_ORIGINS/);
    expect(() => parseCorsOrigins('https://a.example.com/')).toThrow(/exact origin/);
    expect(() => parseCorsOrigins('a.example.com')).toThrow(/exact origin/);
    expect(parseCorsOrigins(' https://a.example.com , http://localhost:8080')).toEqual([
      'https://a.example.com',
      'http://localhost:8080',
    ]);
    expect(parseCorsOrigins(undefined)).toEqual([]);
  });

  it('answers a listed origin’s preflight with the allowed methods and headers, never credentials', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: url(),
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers.vary).toContain('Origin');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toBe(
      'Authorization, Content-Type, Idempotency-Key',
    );
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives a listed origin the headers on answers, errors included, and exposes the rate-limit ones', async () => {
    const ok = await t.app.inject({
      url: url(),
      headers: { origin: APP, authorization: `Token ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(ok.headers['access-control-expose-headers']).toBe(
      'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id, Idempotent-Replayed',
    );
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    const denied = await t.app.inject({
      url: url(),
      headers: { origin: APP, authorization: 'Token iqra_ct_forged.x' },
    });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe(APP);
  });

  it('gives another origin none of the headers, and nothing outside /api/v1', async () => {
    for (const res of [
      await t.app.inject({
        method: 'OPTIONS',
        url: url(),
        headers: { origin: 'https://evil.example' },
      }),
      await t.app.inject({
        url: url(),
        headers: { origin: 'https://evil.example', authorization: `Token ${token}` },
      }),
      await t.app.inject({ url: '/auth/session', headers: { origin: APP } }),
      await t.app.inject({ url: '/healthz', headers: { origin: APP } }),
    ]) {
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });
});

describe('a session cookie across origins', () => {
  it('is never honoured cross-origin, even from a listed origin; same-origin still works', async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: APP },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const res = await call(t.app, { url: '/api/v1/businesses', as: { session: owner }, headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
    }
    const same = await call(t.app, {
      url: '/api/v1/businesses',
      as: { session: owner },
      headers: {
        origin: 'http://localhost:80',
        host: 'localhost:80',
        'sec-fetch-site': 'same-origin',
      },
    });
    expect(same.statusCode).toBe(200);
    const noOrigin = await call(t.app, { url: '/api/v1/businesses', as: { session: owner } });
    expect(noOrigin.statusCode).toBe(200);
  });
});
