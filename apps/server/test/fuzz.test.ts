import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/auth/key-format.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/** Generated bad input: only 4xx answers (problem details), never a 5xx, and the server lives. */
describe('fuzz', () => {
  let t: TestApp;
  let owner: Session;
  let key: string;
  let businessId = '';

  beforeAll(async () => {
    t = await startTestApp({ config: { rateLimitPerMinute: 1_000_000 } });
    owner = await signUp(t.app);
    businessId = await createBusiness(t.app, owner);
    key = (await createKey(t.app, owner, { userManagement: true })).key;
  });

  afterAll(async () => {
    await t?.close();
  });

  function expectClientError(status: number, body: string, contentType: unknown) {
    expect(status, body).toBeGreaterThanOrEqual(200);
    expect(status, body).toBeLessThan(500);
    if (status >= 400) expect(String(contentType)).toContain('application/problem+json');
  }

  // Header values Node accepts: visible Latin-1 characters, spaces and tabs.
  const headerChar = fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c));
  const headerText = fc.string({ unit: headerChar, maxLength: 120 });
  const nearKey = fc.tuple(fc.nat({ max: 45 }), headerChar).map(([i, c]) => {
    const k = generateKey();
    return k.slice(0, i) + c + k.slice(i + 1);
  });
  const authorization = fc.oneof(
    headerText,
    headerText.map((s) => `Token ${s}`),
    headerText.map((s) => `Bearer ${s}`),
    nearKey.map((k) => `Token ${k}`),
    fc.constantFrom(
      'Token',
      'Token ',
      'token',
      ' Token  ',
      'Basic Og==',
      `Token ${generateKey()} extra`,
    ),
  );

  it('survives 1,500 generated Authorization headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        authorization,
        fc.constantFrom('/api/v1/businesses', '/api/v1/user', `/api/v1/businesses/${'biz_'}x`),
        async (header, url) => {
          const res = await t.app.inject({ url, headers: { authorization: header } });
          expectClientError(res.statusCode, res.body, res.headers['content-type']);
          expect([401, 429]).toContain(res.statusCode);
        },
      ),
      { numRuns: 1500 },
    );
  });

  const targets = () =>
    [
      { method: 'POST', url: '/api/v1/businesses' },
      { method: 'PATCH', url: `/api/v1/businesses/${businessId}` },
      { method: 'POST', url: '/api/v1/user/api-keys' },
      { method: 'PATCH', url: '/api/v1/user' },
      { method: 'PUT', url: '/api/v1/user/whitelabel' },
      { method: 'POST', url: '/auth/login' },
      { method: 'POST', url: '/auth/signup' },
    ] as const;

  const shapedBody = fc.record(
    {
      name: fc.oneof(fc.string(), fc.constant(''), fc.integer(), fc.constant(null)),
      email: fc.oneof(fc.emailAddress(), fc.string()),
      password: fc.oneof(fc.string(), fc.constant('correct horse battery')),
      businessScope: fc.oneof(
        fc.record(
          {
            type: fc.constantFrom('unrestricted', 'restricted', 'x'),
            businessIds: fc.array(
              fc.oneof(fc.string(), fc.constant('biz_00000000000000000000000000')),
            ),
          },
          { requiredKeys: [] },
        ),
        fc.anything(),
      ),
      userManagement: fc.anything(),
      expiresAt: fc.oneof(
        fc.string(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constant(null),
      ),
      defaultLanguage: fc.oneof(
        fc.string(),
        fc.constantFrom('en', 'pt-BR', 'xx-YYYYYYYYY', 'i-klingon'),
      ),
      timezone: fc.oneof(fc.string(), fc.constantFrom('UTC', 'Europe/Berlin', 'Mars/Olympus')),
      disabled: fc.anything(),
      brandName: fc.oneof(fc.string(), fc.constant(null)),
      logoUrl: fc.oneof(fc.webUrl(), fc.string(), fc.constant('javascript:alert(1)')),
      primaryColor: fc.oneof(fc.string(), fc.constant('#4f46e5')),
    },
    { requiredKeys: [] },
  );

  it('survives 2,100 generated JSON bodies across the write routes', async () => {
    for (const target of targets()) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(shapedBody, fc.jsonValue()), async (body) => {
          const res = await t.app.inject({
            method: target.method,
            url: target.url,
            headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
          expectClientError(res.statusCode, res.body, res.headers['content-type']);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('survives 600 raw, non-JSON or broken bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
          'multipart/form-data; boundary=x',
        ),
        async (payload, contentType) => {
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/v1/businesses',
            headers: { authorization: `Token ${key}`, 'content-type': contentType },
            payload,
          });
          expectClientError(res.statusCode, res.body, res.headers['content-type']);
          if (!contentType.startsWith('application/json')) expect(res.statusCode).toBe(415);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('refuses hostile JSON clearly', async () => {
    const cases = [
      '{"name": "x", "__proto__": {"admin": true}}',
      '{"name": "x", "constructor": {"prototype": {"admin": true}}}',
      `{"name": "${'a'.repeat(200_000)}"}`,
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      '',
    ];
    for (const payload of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/businesses',
        headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
        payload,
      });
      expectClientError(res.statusCode, res.body, res.headers['content-type']);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    }
  });

  it('still answers afterwards', async () => {
    expect((await call(t.app, { url: '/healthz' })).statusCode).toBe(200);
    expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
  });
});
