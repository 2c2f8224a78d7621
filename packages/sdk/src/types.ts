import type { components, paths } from './generated/openapi.js';

export type { components, paths };

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonContent<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** A path of the API, as the OpenAPI document names it (`/api/v1/businesses/{businessId}`). */
export type ApiPath = keyof paths;
/** The operation at a path and method. */
export type Operation<P extends ApiPath, M extends Method> = NonNullable<paths[P][M]>;
/** The JSON answer of an operation for a status (200 by default). */
export type ResponseBody<P extends ApiPath, M extends Method, S extends number = 200> =
  Operation<P, M> extends { responses: infer R }
    ? S extends keyof R
      ? JsonContent<R[S]>
      : never
    : never;
/** The JSON body an operation takes. */
export type RequestBody<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never;
/** The query parameters an operation takes. */
export type QueryParams<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type Item<L> = L extends { data: (infer T)[] } ? T : never;
/** Filters of a list, without `cursor` (the iterator pages for you; `limit` sets the page size). */
type ListFilters<P extends ApiPath> = Omit<QueryParams<P, 'get'>, 'cursor'>;

type B = '/api/v1/businesses/{businessId}';

export type Problem = components['schemas']['Problem'];

export type Business = ResponseBody<B, 'get'>;
export type BusinessCreate = RequestBody<'/api/v1/businesses', 'post'>;
export type BusinessUpdate = RequestBody<B, 'patch'>;
export type BusinessListParams = ListFilters<'/api/v1/businesses'>;

export type Agent = ResponseBody<`${B}/agents/{agentId}`, 'get'>;
export type AgentCreate = RequestBody<`${B}/agents`, 'post'>;
export type AgentUpdate = RequestBody<`${B}/agents/{agentId}`, 'patch'>;
export type AgentListParams = ListFilters<`${B}/agents`>;

export type Call = ResponseBody<`${B}/calls/{callId}`, 'get'>;
export type CallStatus = Call['status'];
export type CallCreate = RequestBody<`${B}/calls`, 'post'>;
export type CallListParams = ListFilters<`${B}/calls`>;

/** A conversation as lists show it (no `messages`). */
export type ConversationSummary = Item<ResponseBody<`${B}/conversations`, 'get'>>;
/** A conversation with its transcript. */
export type Conversation = ResponseBody<`${B}/conversations/{conversationId}`, 'get'>;
/** One turn of a transcript. */
export type Message = components['schemas']['Message'];
export type ConversationListParams = ListFilters<`${B}/conversations`>;

export type WebhookEndpoint = ResponseBody<`${B}/webhooks/{webhookId}`, 'get'>;
/** The create answer: the endpoint plus its `whsec_` signing secret, shown only once. */
export type CreatedWebhookEndpoint = ResponseBody<`${B}/webhooks`, 'post', 201>;
export type WebhookEndpointListParams = ListFilters<`${B}/webhooks`>;
export type WebhookEndpointCreate = RequestBody<`${B}/webhooks`, 'post'>;
export type WebhookDelivery = Item<ResponseBody<`${B}/webhooks/{webhookId}/deliveries`, 'get'>>;
export type WebhookDeliveryListParams = ListFilters<`${B}/webhooks/{webhookId}/deliveries`>;
export type WebhookEndpointUpdate = RequestBody<`${B}/webhooks/{webhookId}`, 'patch'>;
/** The rotate answer: the endpoint plus its new `whsec_` secret, shown only once. */
export type RotatedWebhookSecret = ResponseBody<`${B}/webhooks/{webhookId}/rotate-secret`, 'post'>;
/** One entry of a business's event log. */
export type LoggedEvent = Item<ResponseBody<`${B}/events`, 'get'>>;
export type EventListParams = ListFilters<`${B}/events`>;

export type TelephonySettings = ResponseBody<`${B}/telephony`, 'get'>;
/**
 * Written out: the generator names a discriminated branch after its schema title (`"Simulator"`),
 * while the wire value is the lowercase `provider`.
 */
export type TelephonyUpdate =
  | { provider: 'simulator' }
  | { provider: 'twilio'; accountSid: string; authToken?: string; fromNumber: string };

export type User = ResponseBody<'/api/v1/user', 'get'>;
/** `/auth/login`, `/auth/signup` and `/auth/session` (dashboard sessions). */
export type Session = components['schemas']['Session'];
export type UserUpdate = RequestBody<'/api/v1/user', 'patch'>;
export type Billing = ResponseBody<'/api/v1/user/billing', 'get'>;
export type UsageRecord = Item<ResponseBody<'/api/v1/user/usage', 'get'>>;
export type UsageListParams = ListFilters<'/api/v1/user/usage'>;
export type Whitelabel = ResponseBody<'/api/v1/user/whitelabel', 'get'>;
export type WhitelabelUpdate = RequestBody<'/api/v1/user/whitelabel', 'put'>;

/**
 * Which businesses a key reaches. Written out: the generator names a discriminated branch after
 * its schema title (`"Restricted"`), while the wire value is `"restricted"`.
 */
export type BusinessScope =
  | { type: 'unrestricted' }
  | { type: 'restricted'; businessIds: string[] };
type WithScope<T> = Omit<T, 'businessScope'> & { businessScope: BusinessScope };

export type ApiKey = WithScope<ResponseBody<'/api/v1/user/api-keys/{keyId}', 'get'>>;
export type ApiKeyStatus = ApiKey['status'];
export type ApiKeyRevokedReason = ApiKey['revokedReason'];
export type KeyPermissions = components['schemas']['KeyPermissions'];
export type KeyPolicy = components['schemas']['KeyPolicy'];
/** The create answer: the key object plus `key` (`iqra_sk_…`), shown only once. */
export type CreatedApiKey = WithScope<ResponseBody<'/api/v1/user/api-keys', 'post', 201>>;
export type ApiKeyCreate = WithScope<RequestBody<'/api/v1/user/api-keys', 'post'>>;
export type ApiKeyListParams = ListFilters<'/api/v1/user/api-keys'>;

/** `POST /api/v1/client-tokens` (API.md §7). */
export type ClientTokenCreate = RequestBody<'/api/v1/client-tokens', 'post'>;
/** `iqra_ct_…` with its expiry, business and permissions: hand it to one browser. */
export type ClientToken = ResponseBody<'/api/v1/client-tokens', 'post', 201>;
/** What a client token may do: agents, calls, conversations; `write` only for calls. */
export type ClientTokenPermissions = components['schemas']['ClientTokenPermissions'];

/** One page of a cursor list. */
export interface Page<T> {
  data: T[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** Something the account is told until it is dismissed (API.md §6): a leaked key. */
export type Notice = Item<ResponseBody<'/api/v1/user/notices', 'get'>>;
