export { Iqra, type IqraOptions } from './client.js';
export { type FieldError, IqraConnectionError, IqraError } from './errors.js';
export { PageIterator } from './pagination.js';
export type * from './pending-types.js';
export type { IdempotentOptions } from './resources/calls.js';
export type * from './types.js';
export {
  type HeadersLike,
  type VerifyOptions,
  verifyWebhook,
  type WebhookEvent,
  type WebhookEventType,
  WebhookVerificationError,
} from './webhook-verify.js';
