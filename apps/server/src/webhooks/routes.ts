import { Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import { problemResponse } from '../http/openapi.js';
import { BusinessParams, stringEnum } from '../http/route-kit.js';
import { NoContent, PageQuery, pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import {
  CreatedWebhookEndpointSchema,
  CreateWebhookBody,
  DeliverySchema,
  WebhookEndpointSchema,
  WebhookParams,
} from './schemas.js';
import type { WebhookService } from './service.js';

const tags = ['Webhooks'];

export function registerWebhookRoutes(app: App, deps: { webhooks: WebhookService }): void {
  const { webhooks } = deps;

  app.get(
    '/api/v1/businesses/:businessId/webhooks',
    {
      config: { access: 'business', resource: 'webhooks' },
      schema: {
        tags,
        summary: 'List webhook endpoints (never their secrets)',
        params: BusinessParams,
        querystring: Type.Object(PageQuery),
        response: { 200: pageOf(WebhookEndpointSchema) },
      },
    },
    async (request) => webhooks.list(request.business.id, request.query),
  );

  app.post(
    '/api/v1/businesses/:businessId/webhooks',
    {
      config: { access: 'business', resource: 'webhooks' },
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
      config: { access: 'business', resource: 'webhooks' },
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
      config: { access: 'business', resource: 'webhooks' },
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
