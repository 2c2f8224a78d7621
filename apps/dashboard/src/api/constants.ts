import type { CallStatus, WebhookEventType } from '@iqra/sdk';

/** Every call status, in lifecycle order (the calls filter offers them). */
export const CALL_STATUSES = [
  'queued',
  'ringing',
  'in_progress',
  'completed',
  'failed',
  'no_answer',
  'busy',
  'canceled',
] as const satisfies readonly CallStatus[];

/** Every event a webhook endpoint may subscribe to. */
export const WEBHOOK_EVENTS = [
  'call.queued',
  'call.ringing',
  'call.in_progress',
  'call.completed',
  'call.failed',
  'conversation.ended',
] as const satisfies readonly WebhookEventType[];
