import { Type } from 'typebox';
import { CallSchema } from '../calls/schemas.js';
import { ConversationSummarySchema } from '../conversations/schemas.js';
import { NullableString } from '../http/schemas.js';
import { EVENT_TYPES, type EventType } from './outbox.js';

const WHEN: Record<EventType, string> = {
  'call.queued': 'A call was accepted and stored; the dispatcher will place it.',
  'call.ringing': 'The carrier is ringing the callee.',
  'call.in_progress': 'The callee answered.',
  'call.completed': 'The call ended after being answered; usage was recorded.',
  'call.failed': 'The call ended without being answered (busy, no answer, failed or cancelled).',
  'conversation.ended': "The call's conversation is over; its transcript is complete.",
  'api_key.leaked':
    'A secret scanner found one of your API keys in public; it and every key minted through it were revoked.',
};

const PAYLOAD_NAMES: Record<EventType, string> = {
  'call.queued': 'CallQueuedEvent',
  'call.ringing': 'CallRingingEvent',
  'call.in_progress': 'CallInProgressEvent',
  'call.completed': 'CallCompletedEvent',
  'call.failed': 'CallFailedEvent',
  'conversation.ended': 'ConversationEndedEvent',
  'api_key.leaked': 'ApiKeyLeakedEvent',
};

/** `api_key.leaked`: which key, where it was found, what the cascade revoked — never the key. */
const ApiKeyLeakedSchema = Type.Object({
  keyId: Type.String({ description: 'The leaked key (`key_…`).' }),
  name: Type.String(),
  prefix: Type.String({ description: 'Its first 12 characters.' }),
  lastFour: Type.String(),
  url: NullableString({ description: 'Where the scanner found it.' }),
  source: NullableString({
    description: 'What the scanner scanned (`content`, `commit`, …).',
  }),
  cascaded: Type.Array(Type.String(), {
    description: 'Keys minted or rolled through it that were revoked with it.',
  }),
});

/** The body POSTed for one event type, as `recordEvent` writes it: `{ type, timestamp, data }`. */
export function eventPayloadSchema(type: EventType) {
  return Type.Object(
    {
      type: Type.Literal(type),
      timestamp: Type.String({ format: 'date-time', description: 'When the event happened.' }),
      data:
        type === 'conversation.ended'
          ? ConversationSummarySchema
          : type === 'api_key.leaked'
            ? ApiKeyLeakedSchema
            : CallSchema,
    },
    { title: PAYLOAD_NAMES[type], description: WHEN[type] },
  );
}

const SIGNATURE_HEADERS = [
  ['webhook-id', 'The event id (`evt_…`): the same on every retry; deduplicate on it.'],
  [
    'webhook-timestamp',
    'Unix seconds when this attempt was signed; refuse ones over 5 minutes old.',
  ],
  [
    'webhook-signature',
    '`v1,<base64 HMAC-SHA256>` of `id.timestamp.body` with your `whsec_` secret.',
  ],
] as const;

/**
 * The OpenAPI 3.1 `webhooks` section: one operation per event type, so generated clients get a
 * typed payload per event (a union discriminated by `type`).
 */
export function webhookDocs(): Record<string, unknown> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `on${PAYLOAD_NAMES[type].replace(/Event$/, '')}`,
          summary: type,
          description: `${WHEN[type]} Signed per Standard Webhooks; answer 2xx within 10 seconds or it is retried with backoff.`,
          tags: ['Webhooks'],
          security: [],
          parameters: SIGNATURE_HEADERS.map(([name, description]) => ({
            name,
            in: 'header',
            required: true,
            description,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: eventPayloadSchema(type) } },
          },
          responses: {
            '2XX': { description: 'Received; any 2xx stops the retries.' },
          },
        },
      },
    ]),
  );
}
