import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import { generateKey, type KeyHasher, keyHint } from '../auth/key-format.js';
import type { LastUsedRecorder } from '../auth/last-used.js';
import type { BusinessScope } from '../auth/principal.js';
import { findOwnedBusinessIds } from '../businesses/repo.js';
import { type Invalidation, recordInvalidation } from '../cache/invalidation.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { type CursorCodec, type Page, toPage } from '../http/pagination.js';
import { newId } from '../ids.js';
import { requireText } from '../users/service.js';
import { type ApiKeyRow, findApiKey, insertApiKey, listApiKeys, revokeApiKey } from './repo.js';

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  businessScope: BusinessScope;
  userManagement: boolean;
  rateLimitPerMinute: number;
  status: KeyStatus;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreateKeyInput {
  name: string;
  businessScope: BusinessScope;
  userManagement?: boolean;
  expiresAt?: string | null;
  /** Operator-only (CLI): a budget other than the deployment default. */
  rateLimitPerMinute?: number;
}

/** Who is creating the key: its owner, and the scope it acts with (a key's own scope). */
export interface KeyCreator {
  userId: string;
  actor: string;
  /** The creating key's id, when a key creates a key through the API. */
  keyId?: string;
  scope: BusinessScope;
}

export interface KeyServiceDeps {
  db: Kysely<Database>;
  hash: KeyHasher;
  cursors: CursorCodec;
  lastUsed: Pick<LastUsedRecorder, 'merge'>;
  publish: (invalidation: Invalidation) => void;
  defaultRateLimit: number;
}

export type KeyService = ReturnType<typeof keyService>;

export function keyService(deps: KeyServiceDeps) {
  const { db, hash, cursors, lastUsed, publish, defaultRateLimit } = deps;

  function toView(row: ApiKeyRow, now = new Date().toISOString()): ApiKeyView {
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      lastFour: row.last_four,
      businessScope:
        row.business_scope_type === 'unrestricted'
          ? { type: 'unrestricted' }
          : { type: 'restricted', businessIds: JSON.parse(row.business_ids) as string[] },
      userManagement: row.user_management === 1,
      rateLimitPerMinute: row.rate_limit ?? defaultRateLimit,
      status: statusOf(row, now),
      createdAt: row.created_at,
      lastUsedAt: lastUsed.merge(row.id, row.last_used_at),
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    };
  }

  return {
    toView,

    /**
     * Mints a key. The plaintext is returned here once and never stored: the database keeps its
     * HMAC and a display hint. A key cannot mint a key that reaches more than it does.
     */
    async create(
      creator: KeyCreator,
      input: CreateKeyInput,
    ): Promise<{ view: ApiKeyView; key: string }> {
      const name = requireText(input.name, '/name');
      const scope = await checkScope(creator, input.businessScope);
      const now = new Date();
      const expiresAt = checkExpiry(input.expiresAt, now);
      const key = generateKey();
      const hint = keyHint(key);
      const row: ApiKeyRow = {
        id: newId('key'),
        user_id: creator.userId,
        name,
        key_hash: hash(key),
        prefix: hint.prefix,
        last_four: hint.lastFour,
        business_scope_type: scope.type,
        business_ids: JSON.stringify(scope.type === 'restricted' ? scope.businessIds : []),
        user_management: input.userManagement ? 1 : 0,
        rate_limit: input.rateLimitPerMinute ?? null,
        status: 'active',
        created_by_key_id: creator.keyId ?? null,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        revoked_at: null,
        last_used_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await insertApiKey(trx, row, scope.type === 'restricted' ? scope.businessIds : []);
        await recordAudit(trx, {
          userId: creator.userId,
          actor: creator.actor,
          action: 'api_key.created',
          targetId: row.id,
          data: { name, businessScope: scope.type, userManagement: input.userManagement === true },
        });
      });
      return { view: toView(row, now.toISOString()), key };
    },

    async list(
      userId: string,
      query: { limit: number; cursor?: string; status?: KeyStatus },
    ): Promise<Page<ApiKeyView>> {
      const now = new Date().toISOString();
      const rows = await listApiKeys(db, {
        userId,
        status: query.status,
        now,
        before: query.cursor ? cursors.decode(query.cursor) : undefined,
        limit: query.limit + 1,
      });
      return toPage(
        rows,
        query.limit,
        cursors,
        (r) => r.id,
        (r) => toView(r, now),
      );
    },

    async get(userId: string, keyId: string): Promise<ApiKeyView> {
      const row = await findApiKey(db, userId, keyId);
      if (!row) throw new ApiError('not_found');
      return toView(row);
    },

    /** Revokes at once: this process drops its cache now, others within about a second. */
    async revoke(userId: string, keyId: string, actor: string): Promise<ApiKeyView> {
      const row = await db.transaction().execute(async (trx) => {
        const existing = await findApiKey(trx, userId, keyId);
        if (!existing) throw new ApiError('not_found');
        if (existing.status === 'revoked') return existing;
        await revokeApiKey(trx, keyId, new Date().toISOString());
        await recordAudit(trx, { userId, actor, action: 'api_key.revoked', targetId: keyId });
        await recordInvalidation(trx, { keyId });
        return findApiKey(trx, userId, keyId);
      });
      publish({ keyId });
      if (!row) throw new ApiError('not_found');
      return toView(row);
    },
  };

  async function checkScope(creator: KeyCreator, requested: BusinessScope): Promise<BusinessScope> {
    if (requested.type === 'unrestricted') {
      if (creator.scope.type !== 'unrestricted') throw new ApiError('scope_escalation');
      return requested;
    }
    const ids = [...new Set(requested.businessIds)];
    const owned = new Set(await findOwnedBusinessIds(db, creator.userId, ids));
    const unknown = requested.businessIds.findIndex((id) => !owned.has(id));
    if (unknown !== -1) {
      throw ApiError.invalidField(
        `/businessScope/businessIds/${unknown}`,
        `is not one of your businesses (${requested.businessIds[unknown]})`,
      );
    }
    if (creator.scope.type === 'restricted') {
      const reachable = new Set(creator.scope.businessIds);
      if (ids.some((id) => !reachable.has(id))) throw new ApiError('scope_escalation');
    }
    return { type: 'restricted', businessIds: ids };
  }
}

function statusOf(row: ApiKeyRow, now: string): KeyStatus {
  if (row.status === 'revoked') return 'revoked';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  return 'active';
}

function checkExpiry(value: string | null | undefined, now: Date): string | null {
  if (value === undefined || value === null) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw ApiError.invalidField('/expiresAt', 'must be an ISO-8601 date-time');
  if (at <= now.getTime()) throw ApiError.invalidField('/expiresAt', 'must be in the future');
  return new Date(at).toISOString();
}
