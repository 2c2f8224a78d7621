import type { Generated, Kysely, Selectable } from 'kysely';

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
  key_policies: KeyPoliciesTable;
  api_key_usage: ApiKeyUsageTable;
  notices: NoticesTable;
  whitelabel_settings: WhitelabelSettingsTable;
  agents: AgentsTable;
  calls: CallsTable;
  conversations: ConversationsTable;
  conversation_messages: ConversationMessagesTable;
  idempotency_keys: IdempotencyKeysTable;
  key_idempotency: KeyIdempotencyTable;
  business_telephony: BusinessTelephonyTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  billing_accounts: BillingAccountsTable;
  usage_records: UsageRecordsTable;
  credit_holds: CreditHoldsTable;
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

export type RevokedReason = 'manual' | 'cascade' | 'leaked' | 'scope_empty';
export type KeyCreatorType = 'user' | 'api_key' | 'operator';

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  /** HMAC-SHA256(pepper, key), hex. Unique. */
  key_hash: string;
  prefix: string;
  last_four: string;
  /** A restricted key's businesses are its rows in `api_key_businesses`, the only copy. */
  business_scope_type: BusinessScopeType;
  user_management: Flag;
  /** Requests per minute; null follows the deployment default. */
  rate_limit: number | null;
  status: 'active' | 'revoked';
  revoked_reason: RevokedReason | null;
  created_by_type: KeyCreatorType;
  /** The user (`user`) or key (`api_key`) that made it; null for the operator's CLI. */
  created_by_id: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  /** JSON `{ resource: level }`; null means write everywhere (the seed's keys). */
  permissions: string | null;
  /** JSON array of IPv4/IPv6 addresses and CIDRs; null means any address. */
  allowed_ips: string | null;
  rolled_from_id: string | null;
  rolled_to_id: string | null;
  /** Client tokens of this key minted before this time are refused (API.md §7); null: none. */
  client_tokens_not_before: Generated<string | null>;
}

export interface KeyPoliciesTable {
  user_id: string;
  max_lifetime_days: number | null;
  updated_at: string;
}

/** Requests per key per UTC day (`YYYY-MM-DD`), added to by batched flushes. */
export interface ApiKeyUsageTable {
  key_id: string;
  date: string;
  requests: number;
  rejected: number;
  unauthorized: number;
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
  business_id: string | null;
  ip: string | null;
  user_agent: string | null;
}

/** Something a user is told until they dismiss it (`kind`: `api_key_leaked`). */
export interface NoticesTable {
  id: string;
  user_id: string;
  kind: 'api_key_leaked';
  key_id: string;
  url: string | null;
  created_at: string;
  dismissed_at: string | null;
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

export interface AgentsTable {
  id: string;
  business_id: string;
  name: string;
  language: string;
  voice: string;
  greeting: string;
  instructions: string;
  /** JSON object of strings: the owner's own key-value data. */
  metadata: string;
  created_at: string;
  updated_at: string;
}

export type CallStatus =
  | 'queued'
  | 'ringing'
  | 'in_progress'
  | 'completed'
  | 'failed'
  | 'no_answer'
  | 'busy'
  | 'canceled';

export type ProviderName = 'simulator' | 'twilio';

export interface CallsTable {
  id: string;
  business_id: string;
  agent_id: string;
  conversation_id: string;
  direction: 'outbound';
  to_number: string;
  from_number: string;
  status: CallStatus;
  ended_reason: string | null;
  /** JSON object of strings. */
  variables: string;
  /** JSON object of strings. */
  metadata: string;
  /**
   * JSON: the agent as it was when the call was accepted, with its variables filled in, so a
   * queued call still runs if the agent is edited or deleted meanwhile.
   */
  agent_snapshot: string;
  provider: ProviderName;
  provider_call_id: string | null;
  /** 1 once the intent to dial was recorded: such a call is reconciled, never dialled again. */
  dial_attempts: number;
  /** The dispatcher worker holding the call, and until when (it renews the lease). */
  claimed_by: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  dialed_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  duration_seconds: number;
}

export interface ConversationsTable {
  id: string;
  business_id: string;
  call_id: string;
  agent_id: string;
  direction: 'outbound';
  status: CallStatus;
  /** When the call was accepted: the conversation's record begins there. */
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_seconds: number;
  ended_reason: string | null;
  updated_at: string;
}

export interface ConversationMessagesTable {
  conversation_id: string;
  seq: number;
  role: 'agent' | 'user' | 'system';
  text: string;
  at: string;
}

/** Create and roll of API keys: the first answer per Idempotency-Key, sealed. */
export interface KeyIdempotencyTable {
  user_id: string;
  key: string;
  request_hash: string;
  /** SecretBox-sealed JSON of the first answer (it holds the new key). */
  response: string;
  created_at: string;
}

export interface IdempotencyKeysTable {
  business_id: string;
  key: string;
  /** SHA-256 of the canonical request body. */
  request_hash: string;
  call_id: string;
  created_at: string;
}

export interface BusinessTelephonyTable {
  business_id: string;
  provider: ProviderName;
  account_sid: string | null;
  /** Sealed (AES-256-GCM under a key derived from the pepper); never plain text. */
  auth_token: string | null;
  from_number: string | null;
  updated_at: string;
}

export interface WebhookEndpointsTable {
  id: string;
  business_id: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  /** Sealed `whsec_…`: it must be recoverable to sign deliveries. */
  secret: string;
  description: string | null;
  created_at: string;
  /** 0 while disabled: no deliveries are made for it, pending ones wait. */
  enabled: number;
  /** Sealed secret before the last rotation: signs alongside until it expires. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
}

/** The outbox: written in the same transaction as the change it describes. */
export interface WebhookEventsTable {
  id: string;
  business_id: string;
  type: string;
  /** The JSON body delivered: `{ type, timestamp, data }`. */
  payload: string;
  created_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  endpoint_id: string;
  event_id: string;
  business_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  lease_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface BillingAccountsTable {
  user_id: string;
  plan: 'free' | 'prepaid';
  /** The balance in minutes; what calls may still use is this minus `held_minutes`. */
  credit_minutes: number;
  /** The sum of the account's `credit_holds`, kept by triggers (migration 0012). */
  held_minutes: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** One per completed call (the primary key makes the draw-down happen once). */
export interface UsageRecordsTable {
  call_id: string;
  user_id: string;
  business_id: string;
  conversation_id: string;
  duration_seconds: number;
  /** Billed minutes: the duration rounded up. */
  minutes: number;
  ended_at: string;
  created_at: string;
}

/** Minutes an accepted call may use, reserved until it ends (then released or drawn). */
export interface CreditHoldsTable {
  call_id: string;
  user_id: string;
  minutes: number;
  created_at: string;
}

/** What every repository function takes first: the database, or a transaction on it. */
export type Db = Kysely<Database>;

/** A business as stored: the guard attaches it to every business route's request. */
export type BusinessRow = Selectable<BusinessesTable>;
