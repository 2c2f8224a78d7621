import { request } from './client';
import type {
  ApiKey,
  Business,
  CreateApiKeyBody,
  CreatedApiKey,
  Notice,
  Page,
  Session,
  User,
  Whitelabel,
} from './types';

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
  createKey: (body: CreateApiKeyBody) =>
    request<CreatedApiKey>('POST', '/api/v1/user/api-keys', { body }),
  key: (id: string) => request<ApiKey>('GET', `/api/v1/user/api-keys/${encodeURIComponent(id)}`),
  notices: () => request<Page<Notice>>('GET', `/api/v1/user/notices${pageQuery()}`),
  dismissNotice: (id: string) =>
    request<Notice>('POST', `/api/v1/user/notices/${encodeURIComponent(id)}/dismiss`),
  revokeKey: (id: string) =>
    request<ApiKey>('DELETE', `/api/v1/user/api-keys/${encodeURIComponent(id)}`),
};

export type Api = typeof api;

/** The largest page the API serves: one request covers almost every account. */
export const PAGE_SIZE = 100;

function pageQuery(cursor?: string | null): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) params.set('cursor', cursor);
  return `?${params}`;
}
