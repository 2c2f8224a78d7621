import { problemResponse } from '../http/openapi.js';
import { routeGroup } from '../http/route-kit.js';
import type { App } from '../http/types.js';
import { ClientTokenHeaders, ClientTokenSchema, CreateClientTokenBody } from './schemas.js';
import type { ClientTokenService } from './service.js';

const anyCredentialRoute = routeGroup('Client tokens', { access: 'anyCredential' });

/**
 * Minting client tokens for browser apps (API.md §7). Refusing all of a key's tokens at once is a
 * key route: `keys/client-token-routes.ts`.
 */
export function registerClientTokenRoutes(
  app: App,
  deps: { clientTokens: ClientTokenService },
): void {
  const { clientTokens } = deps;

  app.post(
    '/api/v1/client-tokens',
    anyCredentialRoute({
      operationId: 'createClientToken',
      summary: 'Mint a short-lived client token for one browser and one business',
      description:
        'With an API key only. The token is stateless and signed; it reaches the agents, calls and conversations of its business with at most the given permissions, and dies with its key (revoked, expired, rolled past its overlap, or `revoke-client-tokens`).',
      headers: ClientTokenHeaders,
      body: CreateClientTokenBody,
      response: {
        201: ClientTokenSchema,
        200: {
          ...ClientTokenSchema,
          description: 'A replay: the token first minted with this key.',
        },
        422: problemResponse('This Idempotency-Key was used with another body.'),
      },
    }),
    async (request, reply) => {
      const { token, replayed } = await clientTokens.mint(
        request.principal,
        request.body,
        request.headers['idempotency-key'],
      );
      reply.header('cache-control', 'no-store');
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send(token);
    },
  );
}
