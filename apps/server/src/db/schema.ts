import type { Generated } from 'kysely';

/**
 * Table types shared by both engines. Times are ISO-8601 UTC strings (text on SQLite,
 * timestamptz on PostgreSQL, read back as ISO strings); booleans are 0/1 integers so the same
 * query binds on both drivers.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  businesses: BusinessesTable;
  api_keys: ApiKeysTable;
  api_key_businesses: ApiKeyBusinessesTable;
  cache_invalidations: CacheInvalidationsTable;
  audit_events: AuditEventsTable;
  whitelabel_settings: WhitelabelSettingsTable;
}

export type Flag = 0 | 1;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  disabled: Flag;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the session token: the token itself lives only in the cookie. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface BusinessesTable {
  id: string;
  owner_id: string;
  name: string;
  default_language: string;
  timezone: string;
  disabled: Flag;
  created_at: string;
  updated_at: string;
}

export type BusinessScopeType = 'unrestricted' | 'restricted';

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  /** HMAC-SHA256(pepper, key), hex. Unique. */
  key_hash: string;
  prefix: string;
  last_four: string;
  business_scope_type: BusinessScopeType;
  /**
   * The restricted list as a JSON array, beside the join table, so verifying a key is one
   * indexed read. Scopes are fixed at creation, so the copy never drifts.
   */
  business_ids: string;
  user_management: Flag;
  rate_limit: number | null;
  status: 'active' | 'revoked';
  created_by_key_id: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface ApiKeyBusinessesTable {
  key_id: string;
  business_id: string;
}

/**
 * Append-only log that every server process polls to drop what it cached about a key, a user or
 * a business (revoked, disabled, changed, deleted), including changes made by the CLI.
 */
export interface CacheInvalidationsTable {
  id: Generated<number>;
  key_id: string | null;
  user_id: string | null;
  business_id: string | null;
  created_at: string;
}

export interface AuditEventsTable {
  id: string;
  user_id: string;
  /** `key_…`, `session` or `cli`. */
  actor: string;
  action: string;
  target_id: string | null;
  data: string | null;
  created_at: string;
}

export interface WhitelabelSettingsTable {
  user_id: string;
  brand_name: string | null;
  logo_url: string | null;
  primary_color: string | null;
  support_email: string | null;
  custom_domain: string | null;
  updated_at: string;
}
