import { type Static, Type } from 'typebox';
import { businessChildParams, stringEnum } from '../http/route-kit.js';
import { idOf, NullableString, NullableTimestamp, Timestamp } from '../http/schemas.js';
import { EVENT_TYPES } from './outbox.js';

export const EventTypeSchema = stringEnum(EVENT_TYPES);

export const WebhookEndpointSchema = Type.Object(
  {
    id: idOf('whk'),
    url: Type.String(),
    events: Type.Array(EventTypeSchema),
    description: NullableString(),
    enabled: Type.Boolean({
      description: 'A disabled endpoint receives nothing; its pending deliveries wait.',
    }),
    previousSecretExpiresAt: {
      ...NullableTimestamp,
      description: 'After a rotation: until then the previous secret signs too.',
    },
    createdAt: Timestamp,
  },
  { title: 'WebhookEndpoint' },
);
export type WebhookEndpoint = Static<typeof WebhookEndpointSchema>;

export const CreatedWebhookEndpointSchema = Type.Object(
  {
    ...WebhookEndpointSchema.properties,
    secret: Type.String({
      description:
        'Signing secret (Standard Webhooks, `whsec_…`). Shown only in this answer: store it now.',
    }),
  },
  { title: 'CreatedWebhookEndpoint' },
);

export const CreateWebhookBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'Where events are POSTed (http or https).',
      examples: ['https://example.com/iqra/webhooks'],
    }),
    events: Type.Optional(
      Type.Array(EventTypeSchema, {
        minItems: 1,
        maxItems: EVENT_TYPES.length,
        uniqueItems: true,
        description: 'Event types to receive; every type when omitted.',
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(CreateWebhookBody.properties.url),
    events: Type.Optional(
      Type.Array(EventTypeSchema, {
        minItems: 1,
        maxItems: EVENT_TYPES.length,
        uniqueItems: true,
      }),
    ),
    enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWebhookRequest = Static<typeof UpdateWebhookBody>;

export const RotatedSecretSchema = Type.Object(
  {
    ...WebhookEndpointSchema.properties,
    secret: CreatedWebhookEndpointSchema.properties.secret,
  },
  { title: 'RotatedWebhookSecret' },
);

export const DeliverySchema = Type.Object(
  {
    id: Type.String({
      description:
        'The delivery in its endpoint’s path (`…/deliveries/:deliveryId/retry`): its event’s id.',
    }),
    eventId: idOf('evt', 'Also the `webhook-id` header of every attempt.'),
    eventType: Type.String(),
    status: stringEnum(['pending', 'delivered', 'failed'] as const, {
      description: '`failed` after the last attempt; `pending` while retries remain.',
    }),
    attempts: Type.Integer(),
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
    lastError: NullableString(),
    nextAttemptAt: NullableTimestamp,
    deliveredAt: NullableTimestamp,
    createdAt: Timestamp,
  },
  { title: 'WebhookDelivery' },
);
export type Delivery = Static<typeof DeliverySchema>;

export const WebhookParams = businessChildParams('webhookId');

export const DeliveryParams = Type.Object({
  ...WebhookParams.properties,
  ...businessChildParams('deliveryId').properties,
});
