import type {
  Agent,
  AgentCreate,
  Billing,
  Call,
  CallCreate,
  CallListParams,
  Conversation,
  ConversationListParams,
  ConversationSummary,
  CreatedWebhookEndpoint,
  LoggedEvent,
  Page,
  TelephonySettings,
  TelephonyUpdate,
  UsageRecord,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
} from '@iqra/sdk';
import { request } from './client';

/** Page sizes: lists a person reads page by page stay short; lookups take the most. */
export const LIST_SIZE = 20;
const MAX_SIZE = 100;

function query(params: Record<string, string | number | null | undefined>): string {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') out.set(name, String(value));
  }
  const text = out.toString();
  return text ? `?${text}` : '';
}

const biz = (businessId: string) => `/api/v1/businesses/${encodeURIComponent(businessId)}`;
const id = encodeURIComponent;

/**
 * The voice workspace of one business, through the public API only. A later change swaps these
 * hand-written shapes for the SDK's generated types.
 */
export const voiceApi = {
  agents: (businessId: string, cursor?: string | null) =>
    request<Page<Agent>>('GET', `${biz(businessId)}/agents${query({ limit: MAX_SIZE, cursor })}`),
  createAgent: (businessId: string, body: AgentCreate) =>
    request<Agent>('POST', `${biz(businessId)}/agents`, { body }),
  updateAgent: (businessId: string, agentId: string, body: Partial<AgentCreate>) =>
    request<Agent>('PATCH', `${biz(businessId)}/agents/${id(agentId)}`, { body }),
  deleteAgent: (businessId: string, agentId: string) =>
    request<void>('DELETE', `${biz(businessId)}/agents/${id(agentId)}`),

  calls: (businessId: string, filters: CallListParams, cursor?: string | null, limit = LIST_SIZE) =>
    request<Page<Call>>('GET', `${biz(businessId)}/calls${query({ limit, cursor, ...filters })}`),
  call: (businessId: string, callId: string) =>
    request<Call>('GET', `${biz(businessId)}/calls/${id(callId)}`),
  /** The same `idempotencyKey` within 24 hours returns the first call instead of a second one. */
  createCall: (businessId: string, body: CallCreate, idempotencyKey: string) =>
    request<Call>('POST', `${biz(businessId)}/calls`, {
      body,
      headers: { 'idempotency-key': idempotencyKey },
    }),
  cancelCall: (businessId: string, callId: string) =>
    request<Call>('POST', `${biz(businessId)}/calls/${id(callId)}/cancel`),

  conversations: (businessId: string, filters: ConversationListParams, cursor?: string | null) =>
    request<Page<ConversationSummary>>(
      'GET',
      `${biz(businessId)}/conversations${query({ limit: LIST_SIZE, cursor, ...filters })}`,
    ),
  conversation: (businessId: string, conversationId: string) =>
    request<Conversation>('GET', `${biz(businessId)}/conversations/${id(conversationId)}`),

  webhooks: (businessId: string, cursor?: string | null) =>
    request<Page<WebhookEndpoint>>(
      'GET',
      `${biz(businessId)}/webhooks${query({ limit: MAX_SIZE, cursor })}`,
    ),
  webhook: (businessId: string, webhookId: string) =>
    request<WebhookEndpoint>('GET', `${biz(businessId)}/webhooks/${id(webhookId)}`),
  createWebhook: (businessId: string, body: WebhookEndpointCreate) =>
    request<CreatedWebhookEndpoint>('POST', `${biz(businessId)}/webhooks`, { body }),
  deleteWebhook: (businessId: string, webhookId: string) =>
    request<void>('DELETE', `${biz(businessId)}/webhooks/${id(webhookId)}`),
  updateWebhook: (businessId: string, webhookId: string, body: WebhookEndpointUpdate) =>
    request<WebhookEndpoint>('PATCH', `${biz(businessId)}/webhooks/${id(webhookId)}`, { body }),
  /** The new secret is in this answer only; the old one signs alongside for 24 hours. */
  rotateWebhookSecret: (businessId: string, webhookId: string) =>
    request<CreatedWebhookEndpoint>(
      'POST',
      `${biz(businessId)}/webhooks/${id(webhookId)}/rotate-secret`,
    ),
  testWebhook: (businessId: string, webhookId: string) =>
    request<WebhookDelivery>('POST', `${biz(businessId)}/webhooks/${id(webhookId)}/test`),
  retryDelivery: (businessId: string, webhookId: string, deliveryId: string) =>
    request<WebhookDelivery>(
      'POST',
      `${biz(businessId)}/webhooks/${id(webhookId)}/deliveries/${id(deliveryId)}/retry`,
    ),
  events: (businessId: string, type?: string, cursor?: string | null) =>
    request<Page<LoggedEvent>>(
      'GET',
      `${biz(businessId)}/events${query({ limit: LIST_SIZE, type, cursor })}`,
    ),
  deliveries: (businessId: string, webhookId: string, cursor?: string | null) =>
    request<Page<WebhookDelivery>>(
      'GET',
      `${biz(businessId)}/webhooks/${id(webhookId)}/deliveries${query({ limit: LIST_SIZE, cursor })}`,
    ),

  telephony: (businessId: string) =>
    request<TelephonySettings>('GET', `${biz(businessId)}/telephony`),
  saveTelephony: (businessId: string, body: TelephonyUpdate) =>
    request<TelephonySettings>('PUT', `${biz(businessId)}/telephony`, { body }),

  billing: () => request<Billing>('GET', '/api/v1/user/billing'),
  usage: (params: { from?: string; cursor?: string | null; limit?: number }) =>
    request<Page<UsageRecord>>(
      'GET',
      `/api/v1/user/usage${query({ limit: params.limit ?? MAX_SIZE, from: params.from, cursor: params.cursor })}`,
    ),
};
