import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/**
 * Signup keeps its clear 409 email_taken (the dashboard shows it), so what stops it from being an
 * account-enumeration oracle is a budget per email (5 an hour) and per address (30 in 10 minutes).
 */
describe('signup throttle', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  const freshIp = () => `10.${randomBytes(3).join('.')}`;
  const signup = (email: string, remoteAddress = freshIp()) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email, password: 'a long password', name: 'Ada' },
      remoteAddress,
    });

  it('probing one email from many addresses: 409 email_taken at most 4 times, then 429', async () => {
    const email = uniqueEmail('probe');
    expect((await signup(email)).statusCode).toBe(201);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await signup(email)).statusCode);
    expect(statuses).toEqual([409, 409, 409, 409, 429, 429]);
    // Upper case does not buy a fresh budget.
    const res = await signup(email.toUpperCase());
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
  });

  it('probing many emails from one address: 429 after 30', async () => {
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 31; i++) statuses.push((await signup(uniqueEmail('many'), ip)).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Another address is not affected.
    expect((await signup(uniqueEmail('other'))).statusCode).toBe(201);
  });

  it('concurrent signups for one email never get past the per-email budget', async () => {
    const email = uniqueEmail('race');
    const statuses = (await Promise.all(Array.from({ length: 12 }, () => signup(email)))).map(
      (r) => r.statusCode,
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });
});
