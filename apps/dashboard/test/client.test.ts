import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiProblem,
  messageOf,
  request,
  setCsrfToken,
  setUnauthorizedHandler,
} from '../src/api/client';

function answer(status: number, body?: unknown, headers: Record<string, string> = {}) {
  return vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', ...headers },
      }),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setUnauthorizedHandler(null);
});

describe('API client', () => {
  it('sends the CSRF token on writes only, with the session cookie', async () => {
    const fetch = answer(200, { ok: true });
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('csrf-1');
    await request('GET', '/api/v1/businesses');
    await request('POST', '/api/v1/businesses', { body: { name: 'Dental Clinic' } });
    const [get, post] = fetch.mock.calls.map((call) => call[1]);
    expect(get?.headers).not.toHaveProperty('x-csrf-token');
    expect(get?.credentials).toBe('same-origin');
    expect(post?.headers).toMatchObject({
      'x-csrf-token': 'csrf-1',
      'content-type': 'application/json',
    });
    expect(post?.body).toBe('{"name":"Dental Clinic"}');
  });

  it('turns problem details into an ApiProblem with readable field errors', async () => {
    vi.stubGlobal(
      'fetch',
      answer(400, {
        status: 400,
        code: 'validation_error',
        detail: 'Body "name" must NOT have fewer than 1 characters.',
        errors: [
          { path: '/name', message: 'must NOT have fewer than 1 characters' },
          { path: '/email', message: 'must match format "email"' },
          { path: '/password', message: 'must NOT have fewer than 8 characters' },
        ],
      }),
    );
    const error = await request('POST', '/auth/signup', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    const problem = error as ApiProblem;
    expect(problem.code).toBe('validation_error');
    expect(problem.fieldErrors()).toEqual({
      name: 'Is required.',
      email: 'Must be a valid email address.',
      password: 'Must be at least 8 characters.',
    });
  });

  it('reports a lost session once, but not a wrong password', async () => {
    const lost = vi.fn();
    setUnauthorizedHandler(lost);
    vi.stubGlobal(
      'fetch',
      answer(401, { code: 'invalid_credentials', detail: 'Incorrect email or password.' }),
    );
    await expect(request('POST', '/auth/login', { expectUnauthorized: true })).rejects.toThrow(
      'Incorrect email or password.',
    );
    expect(lost).not.toHaveBeenCalled();
    await expect(request('GET', '/api/v1/user/api-keys')).rejects.toBeInstanceOf(ApiProblem);
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('explains throttling with the Retry-After delay, and a network failure plainly', async () => {
    vi.stubGlobal(
      'fetch',
      answer(
        429,
        { code: 'rate_limited', detail: 'Request was throttled.' },
        { 'retry-after': '7' },
      ),
    );
    const throttled = await request('GET', '/api/v1/businesses').catch((e: unknown) => e);
    expect(messageOf(throttled)).toBe('Too many requests. Try again in 7 seconds.');

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const offline = await request('GET', '/api/v1/businesses').catch((e: unknown) => e);
    expect(offline).toMatchObject({ status: 0, code: 'network_error' });
    expect(messageOf(offline)).toMatch(/Cannot reach the server/);
  });

  it('resolves a 204 to undefined', async () => {
    vi.stubGlobal('fetch', answer(204));
    await expect(request('POST', '/auth/logout')).resolves.toBeUndefined();
  });
});
