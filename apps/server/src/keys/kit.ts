import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import { generateKey, type KeyHasher, keyHint } from '../auth/key-format.js';
import type { KeyUsageCounter } from '../auth/key-usage.js';
import type { LastUsedRecorder } from '../auth/last-used.js';
import { parsePermissions } from '../auth/permissions.js';
import type { BusinessScope } from '../auth/principal.js';
import { findOwnedBusinessIds } from '../businesses/repo.js';
import { type Invalidation, recordInvalidation } from '../cache/invalidation.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, KeyCreatorType, RevokedReason } from '../db/schema.js';
import type { Permissions } from '../http/access.js';
import { ApiError } from '../http/errors.js';
import type { CursorCodec } from '../http/pagination.js';
import { newId } from '../ids.js';
import { insideOf, type KeyLimits, storedAllowedIps, storedPermissions } from './containment.js';
import { keyIdempotency } from './idempotency.js';
import {
  type ApiKeyRecord,
  type ApiKeyRow,
  findApiKey,
  findChildKeyIds,
  findKeyPolicy,
  insertApiKey,
  revokeApiKey,
} from './repo.js';
import { allowedIpsOf, scopeOf, statusOf } from './rules.js';

export { allowedIpsOf, canonicalIps, checkExpiry, FULL, scopeOf, statusOf } from './rules.js';

import type { ApiKey } from './schemas.js';

export type { KeyStatus } from './rules.js';

export interface KeyCreatorRef {
  type: KeyCreatorType;
  id: string | null;
}

/** A key as the API shows it: the response schema's own type (no second, hand-written view). */
export type ApiKeyView = ApiKey;

export interface CreateKeyInput {
  name: string;
  /** Required from a session or the CLI; from an API key, omitted means the key's own. */
  businessScope?: BusinessScope;
  userManagement?: boolean;
  expiresAt?: string | null;
  rateLimitPerMinute?: number;
  /** Omitted: write everywhere from a session, the maker's own from an API key. */
  permissions?: Partial<Permissions>;
  allowedIps?: string[];
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
  actor: AuditActor;
  createdBy: KeyCreatorType;
}

export interface KeyServiceDeps {
  db: Kysely<Database>;
  hash: KeyHasher;
  cursors: CursorCodec;
  lastUsed: Pick<LastUsedRecorder, 'merge'>;
  usage: Pick<KeyUsageCounter, 'pendingFor'>;
  publish: (invalidation: Invalidation) => void;
  defaultRateLimit: number;
  /** Seals the first answer of an idempotent create or roll (it holds the new key). */
  idempotencyBox: SecretBox;
}

/** A new key's answer: its view and, once, its secret. */
export interface CreatedKey {
  view: ApiKeyView;
  key: string;
}

/**
 * What the key service's parts share: the view of a row, the caller's own key and what it may
 * see, the policy bound, minting and the cascade walk. Built once per service.
 */
export type KeyKit = ReturnType<typeof keyKit>;

export function keyKit(deps: KeyServiceDeps) {
  const { db, hash, lastUsed, defaultRateLimit } = deps;

  function limitsOf(row: ApiKeyRecord): KeyLimits {
    return {
      businessScope: scopeOf(row),
      userManagement: row.user_management === 1,
      rateLimitPerMinute: row.rate_limit ?? defaultRateLimit,
      expiresAt: row.expires_at,
      permissions: parsePermissions(row.permissions),
      allowedIps: allowedIpsOf(row),
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
      permissions: parsePermissions(row.permissions),
      allowedIps: allowedIpsOf(row),
      rateLimitPerMinute: row.rate_limit ?? defaultRateLimit,
      status: statusOf(row, now),
      revokedReason: row.revoked_reason,
      createdBy: { type: row.created_by_type, id: row.created_by_id },
      rolledFromId: row.rolled_from_id,
      rolledToId: row.rolled_to_id,
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

  /** The account's maximum lifetime, as an expiry bound for a key made `now`. */
  async function policyBound(userId: string, now: Date): Promise<string | null> {
    const policy = await findKeyPolicy(db, userId);
    const days = policy?.max_lifetime_days ?? null;
    return days === null ? null : new Date(now.getTime() + days * 86_400_000).toISOString();
  }

  /** Writes a new key and its audit event in `trx`; the plaintext is returned once. */
  async function mint(
    trx: Kysely<Database>,
    creator: KeyCreator,
    name: string,
    limits: KeyLimits,
    extra: { rateLimit: number | null; rolledFromId?: string; now: Date },
  ) {
    const key = generateKey();
    const hint = keyHint(key);
    const scope = limits.businessScope;
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
      rate_limit: extra.rateLimit,
      status: 'active',
      revoked_reason: null,
      created_by_type: creator.createdBy,
      created_by_id:
        creator.createdBy === 'api_key'
          ? (creator.keyId ?? null)
          : creator.createdBy === 'user'
            ? creator.userId
            : null,
      created_at: extra.now.toISOString(),
      expires_at: limits.expiresAt,
      revoked_at: null,
      last_used_at: null,
      permissions: storedPermissions(limits.permissions),
      allowed_ips: storedAllowedIps(limits.allowedIps),
      rolled_from_id: extra.rolledFromId ?? null,
      rolled_to_id: null,
    };
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
        permissions: limits.permissions,
        allowedIps: limits.allowedIps,
        rateLimitPerMinute: limits.rateLimitPerMinute,
        expiresAt: limits.expiresAt,
        createdBy: row.created_by_type,
        ...(extra.rolledFromId ? { rolledFromId: extra.rolledFromId } : {}),
      },
    });
    return { row: { ...row, businessIds }, key };
  }

  /** Revokes `keyId` and every key minted through it or rolled from it, transitively. */
  async function revokeTree(
    trx: Kysely<Database>,
    userId: string,
    root: ApiKeyRecord,
    reason: RevokedReason,
    auditActor: AuditActor,
  ): Promise<string[]> {
    const at = new Date().toISOString();
    const changed: string[] = [];
    const seen = new Set([root.id]);
    let generation = [root.id];
    while (generation.length > 0) {
      for (const id of generation) {
        const isRoot = id === root.id;
        // The walk goes through revoked and expired keys too: only active ones change.
        if (await revokeApiKey(trx, id, at, isRoot ? reason : 'cascade')) {
          changed.push(id);
          await recordAudit(trx, {
            userId,
            actor: auditActor,
            action: 'api_key.revoked',
            targetId: id,
            data: { reason: isRoot ? reason : 'cascade', cascadeRootId: root.id },
          });
          await recordInvalidation(trx, { keyId: id });
        }
      }
      const next = (await findChildKeyIds(trx, userId, generation)).filter((id) => !seen.has(id));
      for (const id of next) seen.add(id);
      generation = next;
    }
    return changed;
  }

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

  const idempotency = keyIdempotency<CreatedKey>(db, deps.idempotencyBox);

  return {
    limitsOf,
    toView,
    ownKey,
    visibleTo,
    policyBound,
    mint,
    revokeTree,
    checkOwnership,
    idempotency,
  };
}
