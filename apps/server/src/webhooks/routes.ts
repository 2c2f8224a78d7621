import { type Static, Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import { problemResponse } from '../http/openapi.js';
import { BusinessParams, businessChildParams, stringEnum } from '../http/route-kit.js';
import {
  idOf,
  NoContent,
  NullableTimestamp,
  PageQuery,
  pageOf,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import { EVENT_TYPES } from './outbox.js';
import type { WebhookService } from './service.js';

const EventTypeSchema = stringEnum(EVENT_TYPES);

export const WebhookEndpointSchema = Type.Object(
  {
    id: idOf('whk'),
    url: Type.String(),
    events: Type.Array(EventTypeSchema),
    description: Type.Union([Type.String(), Type.Null()]),
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

export const DeliverySchema = Type.Object(
  {
    eventId: idOf('evt', 'Also the `webhook-id` header of every attempt.'),
    eventType: Type.String(),
    status: stringEnum(['pending', 'delivered', 'failed'] as const, {
      description: '`failed` after the last attempt; `pending` while retries remain.',
    }),
    attempts: Type.Integer(),
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    nextAttemptAt: NullableTimestamp,
    deliveredAt: NullableTimestamp,
    createdAt: Timestamp,
  },
  { title: 'WebhookDelivery' },
);

const WebhookParams = businessChildParams('webhookId');

const tags = ['Webhooks'];

export function registerWebhookRoutes(app: App, deps: { webhooks: WebhookService }): void {
  const { webhooks } = deps;

  app.get(
    '/api/v1/businesses/:businessId/webhooks',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'List webhook endpoints (never their secrets)',
        params: BusinessParams,
        querystring: Type.Object(PageQuery),
        response: { 200: pageOf(WebhookEndpointSchema) },
      },
    },
    async (request) =>
      webhooks.list(request.business.id, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    '/api/v1/businesses/:businessId/webhooks',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Add a webhook endpoint (its signing secret is shown once)',
        params: BusinessParams,
        body: CreateWebhookBody,
        response: {
          201: CreatedWebhookEndpointSchema,
          409: problemResponse('The business has as many endpoints as it may.'),
        },
      },
    },
    async (request, reply) => {
      const created = await webhooks.create(
        request.business,
        request.body,
        actorOf(request.principal),
      );
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/businesses/:businessId/webhooks/:webhookId',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Get a webhook endpoint',
        params: WebhookParams,
        response: { 200: WebhookEndpointSchema },
      },
    },
    async (request) => webhooks.get(request.business.id, request.params.webhookId),
  );

  app.delete(
    '/api/v1/businesses/:businessId/webhooks/:webhookId',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Delete a webhook endpoint (pending deliveries are dropped)',
        params: WebhookParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await webhooks.remove(request.business, request.params.webhookId, actorOf(request.principal));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/businesses/:businessId/webhooks/:webhookId/deliveries',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Deliveries to an endpoint, newest event first: see what failed and why',
        params: WebhookParams,
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(stringEnum(['pending', 'delivered', 'failed'] as const)),
        }),
        response: { 200: pageOf(DeliverySchema) },
      },
    },
    async (request) =>
      webhooks.deliveries(request.business.id, request.params.webhookId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        status: request.query.status,
      }),
  );
}
