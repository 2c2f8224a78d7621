import type {
  ApiKey,
  ApiKeyCreate,
  ApiKeyRoll,
  ApiKeyUsageDay,
  AuditEvent,
  Business,
  CreatedApiKey,
  KeyPolicy,
  Notice,
  Page,
  RevokedApiKey,
  RolledApiKey,
  Session,
  User,
  Whitelabel,
} from '@iqra/sdk';
import { request } from './client';

/** Every API call the dashboard makes. It uses only the public API, like any script could. */
export const api = {
  session: () => request<Session>('GET', '/auth/session'),
  login: (body: { email: string; password: string }) =>
    request<Session>('POST', '/auth/login', { body, expectUnauthorized: true }),
  signup: (body: { email: string; password: string; name: string }) =>
    request<Session>('POST', '/auth/signup', { body, expectUnauthorized: true }),
  logout: () => request<void>('POST', '/auth/logout', { expectUnauthorized: true }),

  updateUser: (body: { name: string }) => request<User>('PATCH', '/api/v1/user', { body }),
  whitelabel: () => request<Whitelabel>('GET', '/api/v1/user/whitelabel'),
  saveWhitelabel: (body: Omit<Whitelabel, 'updatedAt'>) =>
    request<Whitelabel>('PUT', '/api/v1/user/whitelabel', { body }),

  businesses: (cursor?: string | null) =>
    request<Page<Business>>('GET', `/api/v1/businesses${pageQuery(cursor)}`),
  createBusiness: (body: { name: string; timezone?: string; defaultLanguage?: string }) =>
    request<Business>('POST', '/api/v1/businesses', { body }),
  updateBusiness: (id: string, body: { name?: string; disabled?: boolean }) =>
    request<Business>('PATCH', `/api/v1/businesses/${encodeURIComponent(id)}`, { body }),

  keys: (cursor?: string | null) =>
    request<Page<ApiKey>>('GET', `/api/v1/user/api-keys${pageQuery(cursor)}`),
  createKey: (body: ApiKeyCreate) =>
    request<CreatedApiKey>('POST', '/api/v1/user/api-keys', { body }),
  revokeKey: (id: string, cascade = false) =>
    request<RevokedApiKey>(
      'DELETE',
      `/api/v1/user/api-keys/${encodeURIComponent(id)}${cascade ? '?cascade=true' : ''}`,
    ),
  rollKey: (id: string, body: ApiKeyRoll) =>
    request<RolledApiKey>('POST', `/api/v1/user/api-keys/${encodeURIComponent(id)}/roll`, {
      body,
      headers: { 'idempotency-key': crypto.randomUUID() },
    }),
  keyUsage: (id: string, days = 30) =>
    request<{ data: ApiKeyUsageDay[] }>(
      'GET',
      `/api/v1/user/api-keys/${encodeURIComponent(id)}/usage?days=${days}`,
    ),
  keyPolicy: () => request<KeyPolicy>('GET', '/api/v1/user/key-policy'),
  saveKeyPolicy: (body: KeyPolicy) =>
    request<KeyPolicy>('PUT', '/api/v1/user/key-policy', { body }),
  auditEvents: (filters: AuditFilters, cursor?: string | null) => {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
    if (cursor) params.set('cursor', cursor);
    return request<Page<AuditEvent>>('GET', `/api/v1/user/audit-events?${params}`);
  },
  key: (id: string) => request<ApiKey>('GET', `/api/v1/user/api-keys/${encodeURIComponent(id)}`),
  notices: () => request<Page<Notice>>('GET', `/api/v1/user/notices${pageQuery()}`),
  dismissNotice: (id: string) =>
    request<Notice>('POST', `/api/v1/user/notices/${encodeURIComponent(id)}/dismiss`),
};

/** Filters of `GET /api/v1/user/audit-events` (§5). */
export interface AuditFilters {
  action?: string;
  actorId?: string;
  targetId?: string;
}

export type Api = typeof api;

/** The largest page the API serves: one request covers almost every account. */
export const PAGE_SIZE = 100;

function pageQuery(cursor?: string | null): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) params.set('cursor', cursor);
  return `?${params}`;
}
