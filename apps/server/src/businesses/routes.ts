import { type Static, Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import { BusinessParams } from '../http/route-kit.js';
import { idOf, NoContent, PageQuery, pageOf, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { type BusinessService, toBusinessView } from './service.js';

export const BusinessSchema = Type.Object(
  {
    id: idOf('biz'),
    name: Type.String(),
    defaultLanguage: Type.String({ description: 'BCP 47 tag; agents default to it.' }),
    timezone: Type.String({ description: 'IANA time zone.' }),
    disabled: Type.Boolean({ description: 'A disabled business refuses every API request.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Business' },
);
export type Business = Static<typeof BusinessSchema>;

const Name = Type.String({ minLength: 1, maxLength: 100, examples: ['Dental Clinic'] });
const Language = Type.String({ minLength: 2, maxLength: 35, examples: ['en', 'pt-BR'] });
const Timezone = Type.String({ minLength: 1, maxLength: 64, examples: ['Europe/Berlin'] });

export const CreateBusinessBody = Type.Object(
  {
    name: Name,
    defaultLanguage: Type.Optional(Language),
    timezone: Type.Optional(Timezone),
  },
  { additionalProperties: false },
);
export type CreateBusinessRequest = Static<typeof CreateBusinessBody>;

export const UpdateBusinessBody = Type.Object(
  {
    name: Type.Optional(Name),
    defaultLanguage: Type.Optional(Language),
    timezone: Type.Optional(Timezone),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateBusinessRequest = Static<typeof UpdateBusinessBody>;

const tags = ['Businesses'];

export function registerBusinessRoutes(app: App, deps: { businesses: BusinessService }): void {
  const { businesses } = deps;

  app.get(
    '/api/v1/businesses',
    {
      config: { access: 'account' },
      schema: {
        tags,
        summary: 'List the businesses this credential can reach',
        querystring: Type.Object(PageQuery),
        response: { 200: pageOf(BusinessSchema) },
      },
    },
    async (request) =>
      businesses.list(request.principal, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    '/api/v1/businesses',
    {
      config: { access: 'unrestricted' },
      schema: {
        tags,
        summary: 'Create a business (needs an unrestricted key)',
        body: CreateBusinessBody,
        response: { 201: BusinessSchema },
      },
    },
    async (request, reply) => {
      const row = await businesses.create(
        request.principal.userId,
        request.body,
        actorOf(request.principal),
      );
      return reply.code(201).send(toBusinessView(row));
    },
  );

  app.get(
    '/api/v1/businesses/:businessId',
    {
      config: { access: 'business:manage' },
      schema: {
        tags,
        summary: 'Get a business',
        params: BusinessParams,
        response: { 200: BusinessSchema },
      },
    },
    async (request) => toBusinessView(request.business),
  );

  app.patch(
    '/api/v1/businesses/:businessId',
    {
      config: { access: 'business:manage' },
      schema: {
        tags,
        summary: 'Rename, re-configure, disable or re-enable a business',
        params: BusinessParams,
        body: UpdateBusinessBody,
        response: { 200: BusinessSchema },
      },
    },
    async (request) =>
      toBusinessView(
        await businesses.update(request.business, request.body, actorOf(request.principal)),
      ),
  );

  app.delete(
    '/api/v1/businesses/:businessId',
    {
      config: { access: 'business:manage' },
      schema: {
        tags,
        summary: 'Delete a business and everything in it',
        params: BusinessParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await businesses.remove(request.business, actorOf(request.principal));
      return reply.code(204).send(null);
    },
  );
}
