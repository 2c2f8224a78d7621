import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import { generateKey, type KeyHasher, keyHint } from '../auth/key-format.js';
import type { LastUsedRecorder } from '../auth/last-used.js';
import type { BusinessScope } from '../auth/principal.js';
import { findOwnedBusinessIds } from '../businesses/repo.js';
import { type Invalidation, recordInvalidation } from '../cache/invalidation.js';
import type { Database, KeyCreatorType, RevokedReason } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { type CursorCodec, type Page, toPage } from '../http/pagination.js';
import { paginate, requireText } from '../http/route-kit.js';
import { newId } from '../ids.js';
import { insideOf, type KeyLimits, widerDimension } from './containment.js';
import {
  type ApiKeyRecord,
  type ApiKeyRow,
  findApiKey,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
} from './repo.js';

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface KeyCreatorRef {
  type: KeyCreatorType;
  id: string | null;
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  businessScope: BusinessScope;
  userManagement: boolean;
  rateLimitPerMinute: number;
  status: KeyStatus;
  revokedReason: RevokedReason | null;
  createdBy: KeyCreatorRef;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreateKeyInput {
  name: string;
  /** Required from a session or the CLI; from an API key, omitted means the key's own. */
  businessScope?: BusinessScope;
  userManagement?: boolean;
  expiresAt?: string | null;
  rateLimitPerMinute?: number;
}

/**
 * Who is asking: the owner, and the API key acting for them (absent for a session or the CLI).
 * An API key sees and makes only keys inside itself; see containment.ts.
 */
export interface KeyActor {
  userId: string;
  keyId?: string;
}

/** Who is creating the key, as recorded in `createdBy` and the audit log. */
export interface KeyCreator extends KeyActor {
  actor: string;
  createdBy: KeyCreatorType;
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

  function limitsOf(row: ApiKeyRecord): KeyLimits {
    return {
      businessScope: scopeOf(row),
      userManagement: row.user_management === 1,
      rateLimitPerMinute: row.rate_limit ?? defaultRateLimit,
      expiresAt: row.expires_at,
    };
  }

  function toView(row: ApiKeyRecord, now = new Date().toISOString()): ApiKeyView {
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      lastFour: row.last_four,
      businessScope: scopeOf(row),
      userManagement: row.user_management === 1,
      rateLimitPerMinute: row.rate_limit ?? defaultRateLimit,
      status: statusOf(row, now),
      revokedReason: row.revoked_reason,
      createdBy: { type: row.created_by_type, id: row.created_by_id },
      createdAt: row.created_at,
      lastUsedAt: lastUsed.merge(row.id, row.last_used_at),
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    };
  }

  /** The calling key's own row: its limits bound what it makes and what it sees. */
  async function ownKey(actor: KeyActor): Promise<ApiKeyRecord | undefined> {
    if (!actor.keyId) return undefined;
    const own = await findApiKey(db, actor.userId, actor.keyId);
    // The guard verified this key moments ago; a missing row means it was just deleted.
    if (!own) throw new ApiError('invalid_token');
    return own;
  }

  /** SQL filter of the keys an API key may see; undefined for a session or the operator. */
  async function visibleTo(actor: KeyActor) {
    const own = await ownKey(actor);
    return own ? insideOf(limitsOf(own), defaultRateLimit) : undefined;
  }

  return {
    toView,

    /**
     * Mints a key. The plaintext is returned here once and never stored: the database keeps its
     * HMAC and a display hint. A key made by a key never exceeds it in any dimension.
     */
    async create(
      creator: KeyCreator,
      input: CreateKeyInput,
    ): Promise<{ view: ApiKeyView; key: string }> {
      const name = requireText(input.name, '/name');
      const maker = await ownKey(creator);
      const makerLimits = maker && limitsOf(maker);
      const requestedScope = input.businessScope ?? makerLimits?.businessScope;
      if (!requestedScope) throw ApiError.invalidField('/businessScope', 'is required');
      const scope = await checkOwnership(creator.userId, requestedScope);
      const now = new Date();
      // Omitted fields take the maker's value: a child never silently gets more than its maker.
      const rateLimit = input.rateLimitPerMinute ?? maker?.rate_limit ?? null;
      const expiresAt =
        input.expiresAt === undefined
          ? (maker?.expires_at ?? null)
          : checkExpiry(input.expiresAt, now);
      const limits: KeyLimits = {
        businessScope: scope,
        userManagement: input.userManagement === true,
        rateLimitPerMinute: rateLimit ?? defaultRateLimit,
        expiresAt,
      };
      if (makerLimits) {
        const wider = widerDimension(limits, makerLimits);
        if (wider) {
          throw new ApiError(
            'escalation_denied',
            `This API key cannot create a key with a wider "${wider}" than its own.`,
          );
        }
      } else if (creator.createdBy === 'user' && limits.rateLimitPerMinute > defaultRateLimit) {
        // Only the operator (CLI) grants more than the deployment's standard budget.
        throw new ApiError(
          'escalation_denied',
          `A key created from a session cannot have a "rateLimitPerMinute" above the deployment default (${defaultRateLimit}).`,
        );
      }
      const key = generateKey();
      const hint = keyHint(key);
      const businessIds = scope.type === 'restricted' ? scope.businessIds : [];
      const row: ApiKeyRow = {
        id: newId('key'),
        user_id: creator.userId,
        name,
        key_hash: hash(key),
        prefix: hint.prefix,
        last_four: hint.lastFour,
        business_scope_type: scope.type,
        user_management: limits.userManagement ? 1 : 0,
        rate_limit: rateLimit,
        status: 'active',
        revoked_reason: null,
        created_by_type: creator.createdBy,
        created_by_id:
          creator.createdBy === 'api_key'
            ? (creator.keyId ?? null)
            : creator.createdBy === 'user'
              ? creator.userId
              : null,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        revoked_at: null,
        last_used_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await insertApiKey(trx, row, businessIds);
        await recordAudit(trx, {
          userId: creator.userId,
          actor: creator.actor,
          action: 'api_key.created',
          targetId: row.id,
          data: {
            name,
            businessScope: scope.type,
            userManagement: limits.userManagement,
            rateLimitPerMinute: limits.rateLimitPerMinute,
            expiresAt,
            createdBy: row.created_by_type,
          },
        });
      });
      return { view: toView({ ...row, businessIds }, now.toISOString()), key };
    },

    async list(
      actor: KeyActor,
      query: { limit?: number; cursor?: string; status?: KeyStatus },
    ): Promise<Page<ApiKeyView>> {
      const now = new Date().toISOString();
      const within = await visibleTo(actor);
      return paginate(
        cursors,
        query,
        (page) =>
          listApiKeys(db, { userId: actor.userId, status: query.status, now, ...page, within }),
        (r) => r.id,
        (r) => toView(r, now),
      );
    },

    /** A key outside the caller's reach answers exactly like one that does not exist. */
    async get(actor: KeyActor, keyId: string): Promise<ApiKeyView> {
      const row = await findApiKey(db, actor.userId, keyId, await visibleTo(actor));
      if (!row) throw new ApiError('not_found');
      return toView(row);
    },

    /** Revokes at once: this process drops its cache now, others within about a second. */
    async revoke(actor: KeyActor, keyId: string, auditActor: string): Promise<ApiKeyView> {
      const within = await visibleTo(actor);
      const row = await db.transaction().execute(async (trx) => {
        const existing = await findApiKey(trx, actor.userId, keyId, within);
        if (!existing) throw new ApiError('not_found');
        if (existing.status === 'revoked') return existing;
        await revokeApiKey(trx, keyId, new Date().toISOString(), 'manual');
        await recordAudit(trx, {
          userId: actor.userId,
          actor: auditActor,
          action: 'api_key.revoked',
          targetId: keyId,
          data: { reason: 'manual' },
        });
        await recordInvalidation(trx, { keyId });
        return findApiKey(trx, actor.userId, keyId);
      });
      publish({ keyId });
      if (!row) throw new ApiError('not_found');
      return toView(row);
    },
  };

  /** Every listed business must be the owner's (400 naming the first that is not). */
  async function checkOwnership(userId: string, requested: BusinessScope): Promise<BusinessScope> {
    if (requested.type === 'unrestricted') return requested;
    const ids = [...new Set(requested.businessIds)];
    const owned = new Set(await findOwnedBusinessIds(db, userId, ids));
    const unknown = requested.businessIds.findIndex((id) => !owned.has(id));
    if (unknown !== -1) {
      throw ApiError.invalidField(
        `/businessScope/businessIds/${unknown}`,
        `is not one of your businesses (${requested.businessIds[unknown]})`,
      );
    }
    // Sorted as the join table gives them back, so the create answer equals every later read.
    return { type: 'restricted', businessIds: ids.sort() };
  }
}

function scopeOf(row: ApiKeyRecord): BusinessScope {
  return row.business_scope_type === 'unrestricted'
    ? { type: 'unrestricted' }
    : { type: 'restricted', businessIds: row.businessIds };
}

function statusOf(row: ApiKeyRow, now: string): KeyStatus {
  if (row.status === 'revoked') return 'revoked';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  return 'active';
}

function checkExpiry(value: string | null, now: Date): string | null {
  if (value === null) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw ApiError.invalidField('/expiresAt', 'must be an ISO-8601 date-time');
  if (at <= now.getTime()) throw ApiError.invalidField('/expiresAt', 'must be in the future');
  return new Date(at).toISOString();
}
