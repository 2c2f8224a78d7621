import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/http/types.js';

export interface Session {
  cookie: string;
  csrfToken: string;
  userId: string;
  email: string;
}

export type Credential =
  | { key: string }
  | { session: Session; csrf?: boolean }
  | { authorization: string }
  | Record<string, never>;

export interface CallOptions {
  method?: InjectOptions['method'];
  url: string;
  as?: Credential;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request through the real app, with an API key, a session (plus CSRF) or nothing. */
export function call(app: App, options: CallOptions): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const as = options.as ?? {};
  if ('key' in as) headers.authorization = `Token ${as.key}`;
  if ('authorization' in as) headers.authorization = as.authorization;
  if ('session' in as) {
    headers.cookie = as.session.cookie;
    if (as.csrf !== false) headers['x-csrf-token'] = as.session.csrfToken;
  }
  return app.inject({
    method: options.method ?? 'GET',
    url: options.url,
    headers,
    ...(options.body !== undefined ? { payload: options.body as Record<string, unknown> } : {}),
  });
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(5).toString('hex')}@example.com`;
}

export async function signUp(
  app: App,
  email = uniqueEmail(),
  password = 'correct horse battery',
  remoteAddress = '127.0.0.1',
): Promise<Session> {
  const res = await app.inject({
    method: 'POST',
    url: '/auth/signup',
    payload: { email, password, name: 'Test User' },
    remoteAddress,
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'iqra_session');
  if (!cookie) throw new Error('signup set no session cookie');
  const body = res.json() as { user: { id: string }; csrfToken: string };
  return {
    cookie: `iqra_session=${cookie.value}`,
    csrfToken: body.csrfToken,
    userId: body.user.id,
    email,
  };
}

export async function createBusiness(
  app: App,
  session: Session,
  name = 'Dental Clinic',
): Promise<string> {
  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/businesses',
    as: { session },
    body: { name },
  });
  if (res.statusCode !== 201)
    throw new Error(`create business failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

export interface KeyBody {
  name?: string;
  businessScope?: { type: 'unrestricted' } | { type: 'restricted'; businessIds: string[] };
  userManagement?: boolean;
  expiresAt?: string | null;
  permissions?: Partial<Record<string, 'none' | 'read' | 'write'>>;
  allowedIps?: string[];
  rateLimitPerMinute?: number;
}

export async function createKey(
  app: App,
  session: Session,
  body: KeyBody = {},
): Promise<{ key: string; id: string; json: Record<string, unknown> }> {
  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/user/api-keys',
    as: { session },
    body: { name: 'Test key', businessScope: { type: 'unrestricted' }, ...body },
  });
  if (res.statusCode !== 201) throw new Error(`create key failed: ${res.statusCode} ${res.body}`);
  const json = res.json() as { key: string; id: string };
  return { key: json.key, id: json.id, json };
}
