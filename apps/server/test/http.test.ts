import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openStore } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { call, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp, testConfig, testDatabase } from './helpers/harness.js';

describe('HTTP conventions', () => {
  let t: TestApp;
  let owner: Session;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await signUp(t.app);
    key = (await createKey(t.app, owner, { userManagement: true })).key;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers a problem document with a request id', async () => {
    const res = await call(t.app, { url: '/api/v1/businesses' });
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const problem = res.json();
    expect(problem).toEqual({
      type: '/docs/errors#not_authenticated',
      title: 'Unauthorized',
      status: 401,
      detail: 'Authentication credentials were not provided.',
      code: 'not_authenticated',
      requestId: res.headers['x-request-id'],
    });
    expect(problem.requestId).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('does not trust a client-sent request id', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'evil\nline' } });
    expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('answers 415 for bodies that are not JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/businesses',
        headers: { authorization: `Token ${key}`, 'content-type': type },
        payload: 'name=x',
      });
      expect(res.statusCode, type).toBe(415);
      expect(res.json().code).toBe('unsupported_media_type');
    }
  });

  it('answers 413 past the body limit', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/businesses',
      headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(200_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });

  it('answers JSON 404 for unknown paths and methods', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nothing'],
      ['PUT', '/api/v1/businesses'],
      ['GET', '/nothing'],
    ] as const) {
      const res = await call(t.app, { method, url, as: { key } });
      expect(res.statusCode).toBe(404);
      expect(res.json().detail).toBe('Not found.');
    }
  });

  it('accepts keys only in the Authorization header', async () => {
    const res = await call(t.app, {
      url: `/api/v1/businesses?token=${key}&key=${key}&api_key=${key}`,
    });
    expect(res.statusCode).toBe(401);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await call(t.app, { method: 'HEAD', url: '/api/v1/businesses', as: { key } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect((await call(t.app, { method: 'HEAD', url: '/api/v1/businesses' })).statusCode).toBe(401);
  });

  it('serves health, readiness and the OpenAPI document without a credential', async () => {
    expect((await call(t.app, { url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await call(t.app, { url: '/readyz' })).json()).toEqual({ status: 'ok' });
    const doc = (await call(t.app, { url: '/api/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.ApiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
    });
    expect(doc.components.schemas.Problem).toBeDefined();
    const op = doc.paths['/api/v1/user/api-keys'].post;
    expect(op.security).toEqual([{ ApiKey: [] }, { Session: [], CsrfToken: [] }]);
    expect(Object.keys(op.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '415', '429']),
    );
    expect(op.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatedApiKey',
    });
    expect(doc.components.schemas.CreatedApiKey.properties.key).toBeDefined();
    // Every /api/v1 route of the route table is documented.
    for (const route of t.app.accessTable.filter(
      (r) => r.url.startsWith('/api/v1') && r.method !== 'HEAD' && r.access !== 'public',
    )) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(
        doc.paths[path]?.[route.method.toLowerCase()],
        `${route.method} ${path}`,
      ).toBeDefined();
    }
  });
});

describe('startup', () => {
  async function freshApp() {
    const { database, dispose } = testDatabase();
    const store = openStore(database);
    await migrateToLatest(store);
    const app = await buildApp({ config: testConfig(database), store });
    return {
      app,
      close: async () => {
        await app.close();
        await dispose(store);
        await store.close();
      },
    };
  }

  it('refuses to start when an /api/v1 route declares no access', async () => {
    const { app, close } = await freshApp();
    try {
      expect(() => app.get('/api/v1/sneaky', async () => ({ ok: true }))).toThrow(
        /declares no access/,
      );
    } finally {
      await close();
    }
  });

  it('refuses an unknown access level', async () => {
    const { app, close } = await freshApp();
    try {
      expect(() =>
        app.get('/api/v1/odd', { config: { access: 'everyone' as never } }, async () => ({})),
      ).toThrow(/unknown access/);
    } finally {
      await close();
    }
  });

  it('a 5xx carries neither a stack nor the internal message', async () => {
    const { app, close } = await freshApp();
    try {
      app.get('/boom', { config: { access: 'public' } }, async () => {
        throw new Error('connection string postgres://admin:hunter2@db');
      });
      const res = await app.inject({ url: '/boom' });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toMatchObject({
        status: 500,
        code: 'internal_error',
        detail: 'An unexpected error occurred.',
      });
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toMatch(/at .*\.ts|stack/);
    } finally {
      await close();
    }
  });
});
