import { Type } from 'typebox';
import { actorOf } from '../auth/actor.js';
import { problemResponse } from '../http/openapi.js';
import { routeGroup } from '../http/route-kit.js';
import type { App } from '../http/types.js';
import { keyActorOf, keyCreatorOf } from './actors.js';
import {
  AllowedIpsSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  IdempotencyHeaders,
  KeyParams,
  KeyPolicySchema,
  KeyUsageSchema,
} from './schemas.js';
import type { KeyService } from './service.js';

const tags = ['API keys'];
const userManagementRoute = routeGroup('API keys', { access: 'userManagement' });
const sessionRoute = routeGroup('API keys', { access: 'session' });

/** Edit, roll, key policy and per-key usage (API.md §5). */
export function registerKeyLifecycleRoutes(app: App, deps: { keys: KeyService }): void {
  const { keys } = deps;

  app.patch(
    '/api/v1/user/api-keys/:keyId',
    userManagementRoute({
      summary: 'Rename a key or change its allowlist (an API key may only narrow it)',
      params: KeyParams,
      body: Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          allowedIps: Type.Optional(AllowedIpsSchema),
        },
        { additionalProperties: false },
      ),
      response: { 200: ApiKeySchema },
    }),
    async (request) =>
      keys.update(
        { ...keyActorOf(request.principal), actor: actorOf(request) },
        request.params.keyId,
        request.body,
      ),
  );

  app.post(
    '/api/v1/user/api-keys/:keyId/roll',
    userManagementRoute({
      summary: 'Roll a key: a new key with the same rights; the old one works during the overlap',
      params: KeyParams,
      body: Type.Optional(
        Type.Object(
          {
            overlapSeconds: Type.Optional(
              Type.Integer({ minimum: 0, maximum: 604_800, default: 86_400 }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
      headers: IdempotencyHeaders,
      response: {
        201: CreatedApiKeySchema,
        200: { ...CreatedApiKeySchema, description: 'A replay: the first answer for this key.' },
        422: problemResponse('This Idempotency-Key was used with another body.'),
      },
    }),
    async (request, reply) => {
      const rolled = await keys.roll(
        keyCreatorOf(request),
        request.params.keyId,
        request.body?.overlapSeconds ?? 86_400,
        request.headers['idempotency-key'],
      );
      reply.header('cache-control', 'no-store');
      if (rolled.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(rolled.replayed ? 200 : 201).send({ ...rolled.view, key: rolled.key });
    },
  );

  app.get(
    '/api/v1/user/api-keys/:keyId/usage',
    userManagementRoute({
      summary: "A key's requests per UTC day, oldest first",
      params: KeyParams,
      querystring: Type.Object({
        days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 30 })),
      }),
      response: { 200: KeyUsageSchema },
    }),
    async (request) =>
      keys.usage(keyActorOf(request.principal), request.params.keyId, request.query.days ?? 30),
  );

  app.get(
    '/api/v1/user/key-policy',
    {
      config: { access: 'userManagement' },
      schema: { tags, summary: "The account's key policy", response: { 200: KeyPolicySchema } },
    },
    async (request) => keys.getPolicy(request.principal.userId),
  );

  app.put(
    '/api/v1/user/key-policy',
    sessionRoute({
      summary: "Set the account's key policy (dashboard session only)",
      body: KeyPolicySchema,
      response: { 200: KeyPolicySchema },
    }),
    async (request) =>
      keys.putPolicy(request.principal.userId, actorOf(request), request.body.maxLifetimeDays),
  );
}
