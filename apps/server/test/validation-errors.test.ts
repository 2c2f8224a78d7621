import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FIELD_ERRORS } from '../src/http/problem-handler.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t?.close();
});

describe('validation errors', () => {
  it('lists every failing field of a body, not just the first', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email: 'not-an-email', password: 'short', name: '' },
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.code).toBe('validation_error');
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      '/email',
      '/name',
      '/password',
    ]);
    for (const e of problem.errors) expect(e).toMatchObject({ in: 'body' });
  });

  it('reports missing and unknown fields together, each once', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { password: 'correct horse battery', nickname: 'x', extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(['/email', '/extra', '/name', '/nickname']);
  });

  it('caps the number of reported errors on a crafted body', async () => {
    const payload: Record<string, number> = {};
    for (let i = 0; i < 500; i++) payload[`field${i}`] = i;
    const res = await t.app.inject({ method: 'POST', url: '/auth/signup', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveLength(MAX_FIELD_ERRORS);
  });
});
