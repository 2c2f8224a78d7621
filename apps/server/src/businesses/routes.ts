import { Type } from 'typebox';
import { actorOf } from '../auth/actor.js';
import { BusinessParams, businessRoutes } from '../http/route-kit.js';
import { NoContent, PageQuery, pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { BusinessSchema, CreateBusinessBody, UpdateBusinessBody } from './schemas.js';
import { type BusinessService, toBusinessView } from './service.js';

const tags = ['Businesses'];
const route = businessRoutes('businesses', 'Businesses', 'businessIncludingDisabled');

export function registerBusinessRoutes(app: App, deps: { businesses: BusinessService }): void {
  const { businesses } = deps;

  app.get(
    '/api/v1/businesses',
    {
      config: { access: 'anyCredential' },
      schema: {
        tags,
        summary: 'List the businesses this credential can reach',
        querystring: Type.Object(PageQuery),
        response: { 200: pageOf(BusinessSchema) },
      },
    },
    async (request) => businesses.list(request.principal, request.query),
  );

  app.post(
    '/api/v1/businesses',
    {
      config: { access: 'unrestrictedScope' },
      schema: {
        tags,
        summary: 'Create a business (needs an unrestricted key)',
        body: CreateBusinessBody,
        response: { 201: BusinessSchema },
      },
    },
    async (request, reply) => {
      const row = await businesses.create(request.principal.userId, request.body, actorOf(request));
      return reply.code(201).send(toBusinessView(row));
    },
  );

  app.get(
    '/api/v1/businesses/:businessId',
    route({
      summary: 'Get a business',
      params: BusinessParams,
      response: { 200: BusinessSchema },
    }),
    async (request) => toBusinessView(request.business),
  );

  app.patch(
    '/api/v1/businesses/:businessId',
    route({
      summary: 'Rename, re-configure, disable or re-enable a business',
      params: BusinessParams,
      body: UpdateBusinessBody,
      response: { 200: BusinessSchema },
    }),
    async (request) =>
      toBusinessView(await businesses.update(request.business, request.body, actorOf(request))),
  );

  app.delete(
    '/api/v1/businesses/:businessId',
    route({
      summary: 'Delete a business and everything in it',
      params: BusinessParams,
      response: { 204: NoContent },
    }),
    async (request, reply) => {
      await businesses.remove(request.business, actorOf(request));
      return reply.code(204).send(null);
    },
  );
}
