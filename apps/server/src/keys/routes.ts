import { type Static, Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import { idOf, NullableTimestamp, PageQuery, pageOf, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { KeyService } from './service.js';

const UnrestrictedScope = Type.Object(
  { type: Type.Literal('unrestricted') },
  {
    additionalProperties: false,
    title: 'Unrestricted',
    description: 'Every business of the owner, including ones created later.',
  },
);
const RestrictedScope = Type.Object(
  {
    type: Type.Literal('restricted'),
    businessIds: Type.Array(idOf('biz'), { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false, title: 'Restricted', description: 'Only the listed businesses.' },
);

/** A tagged union; `discriminator` makes validation errors name the branch that was meant. */
export const BusinessScopeSchema = Type.Unsafe<
  Static<typeof UnrestrictedScope> | Static<typeof RestrictedScope>
>({
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [UnrestrictedScope, RestrictedScope],
});

export const ApiKeySchema = Type.Object(
  {
    id: idOf('key'),
    name: Type.String(),
    prefix: Type.String({ description: 'The first 12 characters, for recognising the key.' }),
    lastFour: Type.String(),
    businessScope: BusinessScopeSchema,
    userManagement: Type.Boolean(),
    rateLimitPerMinute: Type.Integer(),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
    createdAt: Timestamp,
    lastUsedAt: NullableTimestamp,
    expiresAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
  },
  { title: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKeySchema>;

export const CreatedApiKeySchema = Type.Object(
  {
    ...ApiKeySchema.properties,
    key: Type.String({
      description: 'The secret key. Shown only in this answer: store it now.',
      examples: ['iqra_sk_4f9QeLw1ZkP0x7sVbN2cT8yRu3mJh6Ad0Kx2aB'],
    }),
  },
  { title: 'CreatedApiKey' },
);
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      examples: ['Zapier Integration - Dental Clinic'],
    }),
    businessScope: BusinessScopeSchema,
    userManagement: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Lets the key reach /api/v1/user: profile, billing, white-label, keys.',
      }),
    ),
    expiresAt: Type.Optional(
      Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
        description: 'When the key stops working; omit or null for never.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateApiKeyRequest = Static<typeof CreateApiKeyBody>;

const KeyParams = Type.Object({ keyId: Type.String({ maxLength: 64 }) });
const ListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(
    Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
  ),
});

const tags = ['API keys'];

export function registerKeyRoutes(app: App, deps: { keys: KeyService }): void {
  const { keys } = deps;

  app.get(
    '/api/v1/user/api-keys',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'List API keys (never their secrets)',
        querystring: ListQuery,
        response: { 200: pageOf(ApiKeySchema) },
      },
    },
    async (request) =>
      keys.list(request.principal.userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        status: request.query.status,
      }),
  );

  app.post(
    '/api/v1/user/api-keys',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Create an API key (the secret is shown once)',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeySchema },
      },
    },
    async (request, reply) => {
      const { principal } = request;
      const created = await keys.create(
        {
          userId: principal.userId,
          actor: actorOf(principal),
          keyId: principal.keyId,
          scope: principal.businessScope,
        },
        request.body,
      );
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...created.view, key: created.key });
    },
  );

  app.get(
    '/api/v1/user/api-keys/:keyId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Get an API key',
        params: KeyParams,
        response: { 200: ApiKeySchema },
      },
    },
    async (request) => keys.get(request.principal.userId, request.params.keyId),
  );

  app.delete(
    '/api/v1/user/api-keys/:keyId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Revoke an API key (it stays listed as revoked)',
        params: KeyParams,
        response: { 200: ApiKeySchema },
      },
    },
    async (request) =>
      keys.revoke(request.principal.userId, request.params.keyId, actorOf(request.principal)),
  );
}
