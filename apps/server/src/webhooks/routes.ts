import { Type } from 'typebox';
import { actorOf } from '../auth/actor.js';
import { problemResponse } from '../http/openapi.js';
import { BusinessParams, businessRoutes, stringEnum } from '../http/route-kit.js';
import { NoContent, PageQuery, pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import {
  CreatedWebhookEndpointSchema,
  CreateWebhookBody,
  DeliveryParams,
  DeliverySchema,
  RotatedSecretSchema,
  UpdateWebhookBody,
  WebhookEndpointSchema,
  WebhookParams,
} from './schemas.js';
import type { WebhookService } from './service.js';

const tags = ['Webhooks'];
const route = businessRoutes('webhooks', 'Webhooks');

export function registerWebhookRoutes(app: App, deps: { webhooks: WebhookService }): void {
  const { webhooks } = deps;

  app.get(
    '/api/v1/businesses/:businessId/webhooks',
    route({
      summary: 'List webhook endpoints (never their secrets)',
      params: BusinessParams,
      querystring: Type.Object(PageQuery),
      response: { 200: pageOf(WebhookEndpointSchema) },
    }),
    async (request) => webhooks.list(request.business.id, request.query),
  );

  app.post(
    '/api/v1/businesses/:businessId/webhooks',
    route({
      summary: 'Add a webhook endpoint (its signing secret is shown once)',
      params: BusinessParams,
      body: CreateWebhookBody,
      response: {
        201: CreatedWebhookEndpointSchema,
        409: problemResponse('The business has as many endpoints as it may.'),
      },
    }),
    async (request, reply) => {
      const created = await webhooks.create(request.business, request.body, actorOf(request));
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/businesses/:businessId/webhooks/:webhookId',
    route({
      summary: 'Get a webhook endpoint',
      params: WebhookParams,
      response: { 200: WebhookEndpointSchema },
    }),
    async (request) => webhooks.get(request.business.id, request.params.webhookId),
  );

  app.patch(
    '/api/v1/businesses/:businessId/webhooks/:webhookId',
    route({
      summary: 'Change an endpoint: URL, events, or enabled (a disabled one receives nothing)',
      params: WebhookParams,
      body: UpdateWebhookBody,
      response: { 200: WebhookEndpointSchema },
    }),
    async (request) =>
      webhooks.update(request.business, request.params.webhookId, request.body, actorOf(request)),
  );

  app.post(
    '/api/v1/businesses/:businessId/webhooks/:webhookId/rotate-secret',
    route({
      summary: 'Rotate the signing secret (the new one is shown once)',
      description:
        'For 24 hours the previous secret keeps signing alongside the new one: `webhook-signature` carries both `v1,` signatures, so a receiver verifying with either accepts every delivery while it switches.',
      params: WebhookParams,
      response: {
        200: RotatedSecretSchema,
        409: problemResponse('Another rotation of this endpoint happened at the same time.'),
      },
    }),
    async (request, reply) => {
      const rotated = await webhooks.rotateSecret(
        request.business,
        request.params.webhookId,
        actorOf(request),
      );
      reply.header('cache-control', 'no-store');
      return rotated;
    },
  );

  app.post(
    '/api/v1/businesses/:businessId/webhooks/:webhookId/test',
    route({
      summary: 'Send a `webhook.test` event to this endpoint only',
      params: WebhookParams,
      response: {
        202: DeliverySchema,
        409: problemResponse('The endpoint is disabled.'),
      },
    }),
    async (request, reply) =>
      reply.code(202).send(await webhooks.sendTest(request.business, request.params.webhookId)),
  );

  app.post(
    '/api/v1/businesses/:businessId/webhooks/:webhookId/deliveries/:deliveryId/retry',
    route({
      summary: 'Attempt a delivered or failed delivery once more',
      params: DeliveryParams,
      response: {
        202: DeliverySchema,
        409: problemResponse('The delivery is already pending, or the endpoint is disabled.'),
      },
    }),
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await webhooks.retry(
            request.business.id,
            request.params.webhookId,
            request.params.deliveryId,
          ),
        ),
  );

  app.delete(
    '/api/v1/businesses/:businessId/webhooks/:webhookId',
    route({
      summary: 'Delete a webhook endpoint (pending deliveries are dropped)',
      params: WebhookParams,
      response: { 204: NoContent },
    }),
    async (request, reply) => {
      await webhooks.remove(request.business, request.params.webhookId, actorOf(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/businesses/:businessId/webhooks/:webhookId/deliveries',
    {
      // A delivery carries a call's event payload: reading it needs both resources.
      config: { access: 'business', resource: ['webhooks', 'calls'] },
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
      webhooks.deliveries(request.business.id, request.params.webhookId, request.query),
  );
}
