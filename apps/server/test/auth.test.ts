import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createKey, signUp, uniqueEmail } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

describe('accounts and sessions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ config: { loginFailuresPerIp: 20 } });
  });

  afterAll(async () => {
    await t?.close();
  });

  const signup = (body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/auth/signup', payload: body });
  const login = (email: string, password: string, remoteAddress?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email, password },
      ...(remoteAddress ? { remoteAddress } : {}),
    });

  it('signs up with a session cookie that is HttpOnly and SameSite=Lax', async () => {
    const email = uniqueEmail();
    const res = await signup({ email, password: 'a long password', name: 'Ada' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ email, name: 'Ada' });
    expect(body.user.id).toMatch(/^usr_/);
    expect(body.csrfToken).toEqual(expect.any(String));
    expect(res.body).not.toContain('a long password');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^iqra_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure'); // plain http here; https adds it
  });

  it('stores an scrypt hash, never the password', async () => {
    const email = uniqueEmail();
    await signup({ email, password: 'another long one', name: 'B' });
    const row = await t.store.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(JSON.stringify(row)).not.toContain('another long one');
  });

  it('refuses a taken email, whatever its case', async () => {
    const email = uniqueEmail();
    expect((await signup({ email, password: 'a long password', name: 'A' })).statusCode).toBe(201);
    const again = await signup({
      email: email.toUpperCase(),
      password: 'a long password',
      name: 'A',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      code: 'email_taken',
      detail: 'An account with this email already exists.',
    });
  });

  it('two signups racing for one email: one account, the other gets 409', async () => {
    const email = uniqueEmail();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => signup({ email, password: 'a long password', name: 'A' })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    const rows = await t.store.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it.each([
    [{ email: 'not-an-email', password: 'a long password', name: 'A' }, '/email'],
    [{ email: uniqueEmail(), password: 'short', name: 'A' }, '/password'],
    [{ email: uniqueEmail(), password: 'a long password', name: '' }, '/name'],
    [{ email: uniqueEmail(), password: 'a long password', name: '   ' }, '/name'],
    [{ email: uniqueEmail(), password: 'a long password' }, '/name'],
  ])('explains a bad signup field: %j', async (body, path) => {
    const res = await signup(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe(path);
  });

  it('logs in, and answers a wrong password and an unknown email the same way', async () => {
    const session = await signUp(t.app, uniqueEmail(), 'the right password');
    const ok = await login(session.email, 'the right password');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.id).toBe(session.userId);
    const wrong = await login(session.email, 'the wrong password');
    const unknown = await login(uniqueEmail(), 'the wrong password');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        code: 'invalid_credentials',
        detail: 'Incorrect email or password.',
      });
    }
  });

  it('throttles login per email after 10 failures, even for the right password', async () => {
    const session = await signUp(t.app, uniqueEmail(), 'the right password');
    for (let i = 0; i < 10; i++) {
      expect((await login(session.email, `wrong ${i}`, '192.0.2.1')).statusCode).toBe(401);
    }
    const locked = await login(session.email, 'the right password', '192.0.2.2');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same address is not locked out.
    const other = await signUp(t.app, uniqueEmail(), 'the right password');
    expect((await login(other.email, 'the right password', '192.0.2.1')).statusCode).toBe(200);
  });

  it('throttles login per address (LOGIN_FAILURES_PER_IP, here 20)', async () => {
    const address = '192.0.2.50';
    const statuses = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await login(uniqueEmail(), 'nope nope', address)).statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('reports the session, and 401 without one', async () => {
    const session = await signUp(t.app);
    const res = await call(t.app, { url: '/auth/session', as: { session } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { id: session.userId },
      csrfToken: session.csrfToken,
    });
    const none = await call(t.app, { url: '/auth/session' });
    expect(none.statusCode).toBe(401);
    expect(none.json().detail).toBe('Authentication credentials were not provided.');
  });

  it('requires the CSRF token on every non-GET session request', async () => {
    const session = await signUp(t.app);
    const body = { name: 'Renamed' };
    const missing = await call(t.app, {
      method: 'PATCH',
      url: '/api/v1/user',
      as: { session, csrf: false },
      body,
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({
      code: 'csrf_failed',
      detail: 'CSRF token missing or incorrect.',
    });
    const wrong = await call(t.app, {
      method: 'PATCH',
      url: '/api/v1/user',
      as: { session: { ...session, csrfToken: `${session.csrfToken.slice(0, -2)}xx` } },
      body,
    });
    expect(wrong.statusCode).toBe(403);
    const other = await signUp(t.app);
    const foreign = await call(t.app, {
      method: 'PATCH',
      url: '/api/v1/user',
      as: { session: { ...session, csrfToken: other.csrfToken } },
      body,
    });
    expect(foreign.statusCode).toBe(403);
    const ok = await call(t.app, { method: 'PATCH', url: '/api/v1/user', as: { session }, body });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().name).toBe('Renamed');
  });

  it('logs out: the cookie is cleared and the session ends', async () => {
    const session = await signUp(t.app);
    const res = await call(t.app, { method: 'POST', url: '/auth/logout', as: { session } });
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/iqra_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await call(t.app, { url: '/auth/session', as: { session } })).statusCode).toBe(401);
    expect((await call(t.app, { url: '/api/v1/businesses', as: { session } })).statusCode).toBe(
      401,
    );
  });

  it('ignores a forged or tampered cookie', async () => {
    const session = await signUp(t.app);
    const [name, value] = session.cookie.split('=') as [string, string];
    const token = value.split('.')[0];
    for (const cookie of [
      `${name}=${token}.forged`,
      `${name}=${token}`,
      `${name}=x${value}`,
      `${name}=`,
    ]) {
      const res = await t.app.inject({ url: '/api/v1/businesses', headers: { cookie } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('keeps /auth/session for dashboard sessions only', async () => {
    const session = await signUp(t.app);
    const { key } = await createKey(t.app, session, { userManagement: true });
    const res = await call(t.app, { url: '/auth/session', as: { key } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('session_required');
  });

  it('a disabled user cannot log in', async () => {
    const session = await signUp(t.app, uniqueEmail(), 'the right password');
    await t.store.db
      .updateTable('users')
      .set({ disabled: 1 })
      .where('id', '=', session.userId)
      .execute();
    const res = await login(session.email, 'the right password');
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toBe('This user account is disabled.');
  });

  it('an API key takes precedence over a cookie, and a bad key is not rescued by one', async () => {
    const session = await signUp(t.app);
    const res = await t.app.inject({
      url: '/api/v1/businesses',
      headers: { cookie: session.cookie, authorization: 'Token nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('Invalid token.');
  });
});
