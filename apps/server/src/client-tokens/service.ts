import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { BusinessDirectory } from '../auth/business-directory.js';
import {
  CLIENT_TOKEN_RESOURCES,
  type ClientTokenCodec,
  type ClientTokenPermissions,
} from '../auth/client-token.js';
import { canReachBusiness, type Principal } from '../auth/principal.js';
import type { Invalidation } from '../cache/invalidation.js';
import type { Database } from '../db/schema.js';
import type { PermissionLevel } from '../http/access.js';
import { ApiError } from '../http/errors.js';
import { setClientTokensNotBefore } from '../keys/repo.js';
import type { KeyActor, KeyService } from '../keys/service.js';
import type { ClientToken, CreateClientTokenRequest } from './schemas.js';

export interface ClientTokenServiceDeps {
  db: Kysely<Database>;
  codec: ClientTokenCodec;
  businesses: Pick<BusinessDirectory, 'get'>;
  keys: Pick<KeyService, 'get'>;
  publish: (invalidation: Invalidation) => void;
  now?: () => number;
}

const RANK: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };
const DEFAULT_TTL_SECONDS = 600;

interface Replay {
  fingerprint: string;
  token: ClientToken;
}

export type ClientTokenService = ReturnType<typeof clientTokenService>;

export function clientTokenService(deps: ClientTokenServiceDeps) {
  const { codec, businesses } = deps;
  const now = deps.now ?? (() => Date.now());
  /**
   * `Idempotency-Key` replays, in memory: minting writes nothing, so neither does its replay. A
   * retry that reaches another node gets a fresh token, which is harmless — a token changes nothing.
   */
  const replays = new LRUCache<string, Replay>({ max: 10_000, ttl: 3_600_000 });

  return {
    async mint(
      principal: Principal,
      body: CreateClientTokenRequest,
      idempotencyKey?: string,
    ): Promise<{ token: ClientToken; replayed: boolean }> {
      if (principal.kind !== 'key' || !principal.keyId || principal.clientToken) {
        throw new ApiError('api_key_required');
      }
      const keyId = principal.keyId;
      const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
      const replayKey = idempotencyKey ? `${keyId}:${idempotencyKey}` : undefined;
      const earlier = replayKey ? replays.get(replayKey) : undefined;
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) throw new ApiError('idempotency_mismatch');
        if (Date.parse(earlier.token.expiresAt) > now())
          return { token: earlier.token, replayed: true };
      }

      const business = await businesses.get(body.businessId);
      // Another user's business answers like one that does not exist.
      if (!business || business.owner_id !== principal.userId) throw new ApiError('not_found');
      if (!canReachBusiness(principal, business.id)) throw new ApiError('business_access_denied');
      if (business.disabled === 1) throw new ApiError('business_disabled');

      const permissions: ClientTokenPermissions & ClientToken['permissions'] = {};
      for (const resource of CLIENT_TOKEN_RESOURCES) {
        const level = body.permissions[resource];
        if (level === undefined) continue;
        if (RANK[level] > RANK[principal.permissions[resource]]) {
          throw new ApiError(
            'escalation_denied',
            `This API key cannot create a client token with a wider "permissions.${resource}" than its own.`,
          );
        }
        Object.assign(permissions, { [resource]: level });
      }

      const issuedAt = now();
      const ttlMs = (body.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
      const keyExpiresAt = principal.keyExpiresAt ?? null;
      const expiresAt =
        keyExpiresAt === null ? issuedAt + ttlMs : Math.min(issuedAt + ttlMs, keyExpiresAt);
      const minted = codec.mint({
        keyId,
        businessId: business.id,
        permissions,
        issuedAt,
        expiresAt,
      });
      const token: ClientToken = {
        token: minted.token,
        expiresAt: new Date(expiresAt).toISOString(),
        businessId: business.id,
        permissions,
      };
      if (replayKey) replays.set(replayKey, { fingerprint, token }, { ttl: expiresAt - issuedAt });
      return { token, replayed: false };
    },

    /**
     * Refuses every client token of this key minted before now (API.md §7). The key is looked up
     * as the caller may see it (404 otherwise); every node's verifier cache drops it.
     */
    async revokeAll(actor: KeyActor, keyId: string) {
      await deps.keys.get(actor, keyId);
      await setClientTokensNotBefore(deps.db, keyId, new Date(now()).toISOString());
      deps.publish({ keyId });
      return deps.keys.get(actor, keyId);
    },
  };
}
