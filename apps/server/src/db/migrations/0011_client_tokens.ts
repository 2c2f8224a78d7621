import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Client tokens (API.md §7) are stateless; the one thing stored is on their parent key: the time
 * before which its tokens are refused (`POST …/api-keys/:keyId/revoke-client-tokens`).
 */
export function clientTokensMigration({ time }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('api_keys').addColumn('client_tokens_not_before', time).execute();
    },
  };
}
