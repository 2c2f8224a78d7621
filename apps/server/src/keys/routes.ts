import { Type } from 'typebox';
import { actorOf } from '../auth/actor.js';
import { problemResponse } from '../http/openapi.js';
import { routeGroup } from '../http/route-kit.js';
import { idOf, pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { keyActorOf, keyCreatorOf } from './actors.js';
import { registerKeyLifecycleRoutes } from './lifecycle-routes.js';
import {
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema,
  IdempotencyHeaders,
  KeyParams,
  ListQuery,
} from './schemas.js';
import type { KeyService } from './service.js';

const userManagementRoute = routeGroup('API keys', { access: 'userManagement' });

export function registerKeyRoutes(app: App, deps: { keys: KeyService }): void {
  const { keys } = deps;

  app.get(
    '/api/v1/user/api-keys',
    userManagementRoute({
      summary: 'List API keys (never their secrets)',
      querystring: ListQuery,
      response: { 200: pageOf(ApiKeySchema) },
    }),
    async (request) => keys.list(keyActorOf(request.principal), request.query),
  );

  app.post(
    '/api/v1/user/api-keys',
    userManagementRoute({
      summary: 'Create an API key (the secret is shown once)',
      body: CreateApiKeyBody,
      headers: IdempotencyHeaders,
      response: {
        201: CreatedApiKeySchema,
        200: { ...CreatedApiKeySchema, description: 'A replay: the first answer for this key.' },
        422: problemResponse('This Idempotency-Key was used with another body.'),
      },
    }),
    async (request, reply) => {
      const created = await keys.create(
        keyCreatorOf(request),
        request.body,
        request.headers['idempotency-key'],
      );
      reply.header('cache-control', 'no-store');
      if (created.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(created.replayed ? 200 : 201).send({ ...created.view, key: created.key });
    },
  );

  app.get(
    '/api/v1/user/api-keys/:keyId',
    userManagementRoute({
      summary: 'Get an API key',
      params: KeyParams,
      response: { 200: ApiKeySchema },
    }),
    async (request) => keys.get(keyActorOf(request.principal), request.params.keyId),
  );

  app.delete(
    '/api/v1/user/api-keys/:keyId',
    userManagementRoute({
      summary: 'Revoke an API key (it stays listed as revoked)',
      description:
        'With `cascade=true`, also every key minted through it or rolled from it, transitively; `cascaded` lists the keys whose status changed.',
      params: KeyParams,
      querystring: Type.Object({ cascade: Type.Optional(Type.Boolean({ default: false })) }),
      response: {
        200: Type.Object({
          ...ApiKeySchema.properties,
          cascaded: Type.Optional(Type.Array(idOf('key'))),
        }),
      },
    }),
    async (request) =>
      keys.revoke(keyActorOf(request.principal), request.params.keyId, actorOf(request), {
        cascade: request.query.cascade === true,
      }),
  );

  registerKeyLifecycleRoutes(app, deps);
}
