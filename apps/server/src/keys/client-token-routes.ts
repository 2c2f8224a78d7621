import type { ClientTokenService } from '../client-tokens/service.js';
import type { App } from '../http/types.js';
import { keyActorOf } from './actors.js';
import { ApiKeySchema, KeyParams } from './schemas.js';

/** `POST …/api-keys/:keyId/revoke-client-tokens` (API.md §7): the tokens die, the key lives. */
export function registerKeyClientTokenRoutes(
  app: App,
  deps: { clientTokens: Pick<ClientTokenService, 'revokeAll'> },
): void {
  app.post(
    '/api/v1/user/api-keys/:keyId/revoke-client-tokens',
    {
      config: { access: 'userManagement' },
      schema: {
        tags: ['API keys'],
        operationId: 'revokeApiKeyClientTokens',
        summary: 'Refuse every client token this key has minted so far',
        description:
          'Tokens minted after this call work as usual; the key itself is unchanged. An API key may do this only for keys it could itself create (others answer 404).',
        params: KeyParams,
        response: { 200: ApiKeySchema },
      },
    },
    async (request) =>
      deps.clientTokens.revokeAll(keyActorOf(request.principal), request.params.keyId),
  );
}
