/** The API shapes the dashboard reads, as `docs/API.md` pins them. */

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Business {
  id: string;
  name: string;
  defaultLanguage: string;
  timezone: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type BusinessScope =
  | { type: 'unrestricted' }
  | { type: 'restricted'; businessIds: string[] };

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  businessScope: BusinessScope;
  userManagement: boolean;
  rateLimitPerMinute?: number;
  status: KeyStatus;
  /** Why a revoked key was revoked: `leaked` when a secret scanner found it in public. */
  revokedReason?: 'manual' | 'cascade' | 'leaked' | 'scope_empty' | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Something the account is told until it is dismissed (API.md §6). */
export interface Notice {
  id: string;
  kind: 'api_key_leaked';
  keyId: string;
  url: string | null;
  at: string;
  dismissedAt: string | null;
}

/** The create answer: the key object plus the secret, shown once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface CreateApiKeyBody {
  name: string;
  businessScope: BusinessScope;
  userManagement: boolean;
  expiresAt: string | null;
}

export interface Whitelabel {
  brandName: string | null;
  logoUrl: string | null;
  primaryColor: string | null;
  supportEmail: string | null;
  customDomain: string | null;
  updatedAt?: string | null;
}

export interface FieldError {
  path: string;
  message: string;
  in?: string;
}

/* The voice workspace: agents, calls, conversations, webhooks, telephony, billing. */

export interface Agent {
  id: string;
  name: string;
  language: string;
  voice: string;
  /** May use `{{variables}}`. */
  greeting: string;
  instructions: string;
  /** Every variable the greeting and instructions use: a call must give each one. */
  variables: string[];
  createdAt: string;
  updatedAt: string;
}

export interface AgentBody {
  name: string;
  greeting: string;
  instructions?: string;
  language?: string;
  voice?: string;
}

export const CALL_STATUSES = [
  'queued',
  'ringing',
  'in_progress',
  'completed',
  'failed',
  'no_answer',
  'busy',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export interface Call {
  id: string;
  status: CallStatus;
  direction: 'outbound';
  agentId: string;
  conversationId: string;
  to: string;
  from: string;
  variables: Record<string, string>;
  metadata: Record<string, string>;
  provider: 'simulator' | 'twilio';
  endedReason: string | null;
  durationSeconds: number;
  createdAt: string;
  updatedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
}

export interface CreateCallBody {
  agentId: string;
  to: string;
  from?: string;
  variables?: Record<string, string>;
  metadata?: Record<string, string>;
}

export interface CallFilters {
  status?: CallStatus;
  agentId?: string;
}

export interface ConversationSummary {
  id: string;
  callId: string;
  agentId: string;
  direction: 'outbound';
  status: CallStatus;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number;
  endedReason: string | null;
}

export interface Message {
  role: 'agent' | 'user' | 'system';
  text: string;
  at: string;
}

export interface Conversation extends ConversationSummary {
  messages: Message[];
}

export interface ConversationFilters {
  status?: CallStatus;
  direction?: 'outbound';
  agentId?: string;
  startedAfter?: string;
  startedBefore?: string;
}

export const WEBHOOK_EVENTS = [
  'call.queued',
  'call.ringing',
  'call.in_progress',
  'call.completed',
  'call.failed',
  'conversation.ended',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  createdAt: string;
}

/** Something the account is told until it is dismissed (API.md §6). */
export interface Notice {
  id: string;
  kind: 'api_key_leaked';
  keyId: string;
  url: string | null;
  at: string;
  dismissedAt: string | null;
}

/** The create answer: the endpoint plus its signing secret, shown once. */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

export interface CreateWebhookBody {
  url: string;
  events?: WebhookEvent[];
  description?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  /** Not served yet: the dashboard shows it once the API returns it. */
  payload?: unknown;
}

export interface Telephony {
  provider: 'simulator' | 'twilio';
  accountSid: string | null;
  fromNumber: string | null;
  updatedAt: string | null;
}

export type PutTelephonyBody =
  | { provider: 'simulator' }
  | { provider: 'twilio'; accountSid: string; authToken?: string; fromNumber: string };

export interface Billing {
  plan: 'free' | 'prepaid';
  creditMinutes: number;
  currentPeriod: { start: string; end: string; calls: number; minutes: number; seconds: number };
}

export interface UsageRecord {
  callId: string;
  businessId: string;
  conversationId: string;
  durationSeconds: number;
  minutes: number;
  endedAt: string;
}
