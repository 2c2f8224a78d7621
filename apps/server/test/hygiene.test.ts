import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from './helpers/calls.js';
import { call, createBusiness, signUp, uniqueEmail } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

const sessionCookie = (res: { cookies: { name: string; secure?: boolean }[] }) =>
  res.cookies.find((c) => c.name === 'iqra_session');

describe('with NODE_ENV=production the session cookie is always Secure', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { env: 'production' } });
  });
  afterAll(async () => t?.close());

  it('on signup and login, even over plain HTTP (TLS ended at an undeclared proxy)', async () => {
    const email = uniqueEmail('prod');
    const signup = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email, password: 'a long password', name: 'Ada' },
    });
    expect(sessionCookie(signup)?.secure).toBe(true);
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email, password: 'a long password' },
    });
    expect(login.statusCode).toBe(200);
    expect(sessionCookie(login)?.secure).toBe(true);
  });
});

describe('outside production the cookie follows the protocol', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { trustProxy: ['10.0.0.1'] } });
  });
  afterAll(async () => t?.close());

  const signupVia = (remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email: uniqueEmail('dev'), password: 'a long password', name: 'Ada' },
      headers: { 'x-forwarded-proto': 'https' },
      remoteAddress,
    });

  it('Secure when a trusted proxy says HTTPS; a client alone cannot claim it', async () => {
    expect(sessionCookie(await signupVia('10.0.0.1'))?.secure).toBe(true);
    expect(sessionCookie(await signupVia('192.0.2.1'))?.secure).toBeFalsy();
  });
});

describe('template variables never reach Object.prototype', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('{{constructor}} with no variables is a missing variable (400), not "function Object()"', async () => {
    const owner = await signUp(t.app);
    const biz = await createBusiness(t.app, owner);
    const agentId = await createAgent(t.app, { session: owner }, biz, {
      greeting: 'Hello {{constructor}}.',
      instructions: 'Be brief.',
    });
    const res = await call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${biz}/calls`,
      as: { session: owner },
      body: { agentId, to: '+14155550100' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('native code');
    expect(res.json()).toMatchObject({
      errors: [{ path: '/variables/constructor', message: expect.stringMatching(/is required/) }],
    });
  });
});
