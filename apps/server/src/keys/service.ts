import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import { blocksInside, canonicalEntry, MAX_ALLOWED_IPS } from '../auth/ip-allowlist.js';
import { generateKey, type KeyHasher, keyHint } from '../auth/key-format.js';
import type { KeyUsageCounter } from '../auth/key-usage.js';
import type { LastUsedRecorder } from '../auth/last-used.js';
import { completePermissions, parsePermissions } from '../auth/permissions.js';
import type { BusinessScope } from '../auth/principal.js';
import { findOwnedBusinessIds } from '../businesses/repo.js';
import { type Invalidation, recordInvalidation } from '../cache/invalidation.js';
import type { Database, KeyCreatorType, RevokedReason } from '../db/schema.js';
import type { Permissions } from '../http/access.js';
import { ApiError } from '../http/errors.js';
import { type CursorCodec, type Page, toPage } from '../http/pagination.js';
import { paginate, requireText } from '../http/route-kit.js';
import { newId } from '../ids.js';
import {
  insideOf,
  type KeyLimits,
  storedAllowedIps,
  storedPermissions,
  widerDimension,
} from './containment.js';
import {
  type ApiKeyRecord,
  type ApiKeyRow,
  findApiKey,
  findApiKeyById,
  findChildKeyIds,
  findKeyPolicy,
  findKeyUsage,
  insertApiKey,
  listApiKeys,
  markRolled,
  revokeApiKey,
  saveKeyPolicy,
  updateApiKey,
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
  permissions: Permissions;
  allowedIps: string[];
  rateLimitPerMinute: number;
  status: KeyStatus;
  revokedReason: RevokedReason | null;
  createdBy: KeyCreatorRef;
  rolledFromId: string | null;
  rolledToId: string | null;
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
  actor: string;
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
}

export type KeyService = ReturnType<typeof keyService>;

export function keyService(deps: KeyServiceDeps) {
  const { db, hash, cursors, lastUsed, usage, publish, defaultRateLimit } = deps;

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
    auditActor: string,
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
      const bound = await policyBound(creator.userId, now);
      // Omitted fields take the maker's value: a child never silently gets more than its maker.
      const rateLimit = input.rateLimitPerMinute ?? maker?.rate_limit ?? null;
      let expiresAt =
        input.expiresAt === undefined
          ? (maker?.expires_at ?? null)
          : checkExpiry(input.expiresAt, now);
      if (bound !== null) {
        if (input.expiresAt !== undefined && (expiresAt === null || expiresAt > bound)) {
          throw ApiError.invalidField(
            '/expiresAt',
            `must be within the account's key policy (at most ${bound})`,
          );
        }
        if (expiresAt === null || expiresAt > bound) expiresAt = bound;
      }
      const limits: KeyLimits = {
        businessScope: scope,
        userManagement: input.userManagement === true,
        rateLimitPerMinute: rateLimit ?? defaultRateLimit,
        expiresAt,
        permissions: input.permissions
          ? completePermissions(input.permissions)
          : (makerLimits?.permissions ?? completePermissions(FULL)),
        allowedIps:
          input.allowedIps !== undefined
            ? canonicalIps(input.allowedIps, '/allowedIps')
            : (makerLimits?.allowedIps ?? []),
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
      const made = await db
        .transaction()
        .execute((trx) => mint(trx, creator, name, limits, { rateLimit, now }));
      return { view: toView(made.row, now.toISOString()), key: made.key };
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

    /**
     * Renames or re-fences a key. With an API key the allowlist may only narrow: non-empty and
     * inside both the current list and the caller's own.
     */
    async update(
      actor: KeyActor & { actor: string },
      keyId: string,
      input: { name?: string; allowedIps?: string[] },
    ): Promise<ApiKeyView> {
      const own = await ownKey(actor);
      const within = own ? insideOf(limitsOf(own), defaultRateLimit) : undefined;
      const existing = await findApiKey(db, actor.userId, keyId, within);
      if (!existing) throw new ApiError('not_found');
      const set: { name?: string; allowed_ips?: string | null } = {};
      if (input.name !== undefined) set.name = requireText(input.name, '/name');
      if (input.allowedIps !== undefined) {
        const ips = canonicalIps(input.allowedIps, '/allowedIps');
        if (own) {
          const current = allowedIpsOf(existing);
          const narrower =
            ips.length > 0 &&
            (current.length === 0 || blocksInside(ips, current)) &&
            (limitsOf(own).allowedIps.length === 0 || blocksInside(ips, limitsOf(own).allowedIps));
          if (!narrower) {
            throw new ApiError(
              'escalation_denied',
              'An API key may only narrow "allowedIps"; widening or clearing it needs a session.',
            );
          }
        }
        set.allowed_ips = storedAllowedIps(ips);
      }
      await db.transaction().execute(async (trx) => {
        await updateApiKey(trx, keyId, set);
        await recordAudit(trx, {
          userId: actor.userId,
          actor: actor.actor,
          action: 'api_key.updated',
          targetId: keyId,
          data: {
            ...(set.name ? { name: set.name } : {}),
            ...('allowed_ips' in set ? { allowedIps: input.allowedIps } : {}),
          },
        });
        await recordInvalidation(trx, { keyId });
      });
      publish({ keyId });
      return this.get({ userId: actor.userId }, keyId);
    },

    /**
     * Rotation with overlap: a new key with the old one's rights; the old one keeps working until
     * now + overlap (never longer than it would have) and records what it was rolled to.
     */
    async roll(
      creator: KeyCreator,
      keyId: string,
      overlapSeconds: number,
    ): Promise<{ view: ApiKeyView; key: string }> {
      const within = await visibleTo(creator);
      const now = new Date();
      const bound = await policyBound(creator.userId, now);
      const made = await db.transaction().execute(async (trx) => {
        const old = await findApiKey(trx, creator.userId, keyId, within);
        if (!old) throw new ApiError('not_found');
        if (statusOf(old, now.toISOString()) !== 'active') throw new ApiError('key_not_active');
        if (old.rolled_to_id) throw new ApiError('key_already_rolled');
        const limits = limitsOf(old);
        if (bound !== null && (limits.expiresAt === null || limits.expiresAt > bound)) {
          limits.expiresAt = bound;
        }
        const created = await mint(trx, creator, old.name, limits, {
          rateLimit: old.rate_limit,
          rolledFromId: old.id,
          now,
        });
        const overlapEnd = new Date(now.getTime() + overlapSeconds * 1000).toISOString();
        const oldEnd =
          old.expires_at !== null && old.expires_at < overlapEnd ? old.expires_at : overlapEnd;
        if (!(await markRolled(trx, old.id, created.row.id, oldEnd))) {
          throw new ApiError('key_already_rolled');
        }
        await recordAudit(trx, {
          userId: creator.userId,
          actor: creator.actor,
          action: 'api_key.rolled',
          targetId: old.id,
          data: { rolledToId: created.row.id, overlapSeconds, oldKeyExpiresAt: oldEnd },
        });
        await recordInvalidation(trx, { keyId: old.id });
        return created;
      });
      publish({ keyId });
      return { view: toView(made.row, now.toISOString()), key: made.key };
    },

    /** Revokes at once: this process drops its cache now, others within about a second. */
    async revoke(
      actor: KeyActor,
      keyId: string,
      auditActor: string,
      options: { cascade?: boolean } = {},
    ): Promise<ApiKeyView & { cascaded?: string[] }> {
      const within = await visibleTo(actor);
      const existing = await findApiKey(db, actor.userId, keyId, within);
      if (!existing) throw new ApiError('not_found');
      if (options.cascade) {
        const { view, cascaded } = await this.revokeWithDescendants(
          actor.userId,
          keyId,
          'manual',
          auditActor,
        );
        return { ...view, cascaded };
      }
      const row = await db.transaction().execute(async (trx) => {
        if (await revokeApiKey(trx, keyId, new Date().toISOString(), 'manual')) {
          await recordAudit(trx, {
            userId: actor.userId,
            actor: auditActor,
            action: 'api_key.revoked',
            targetId: keyId,
            data: { reason: 'manual' },
          });
          await recordInvalidation(trx, { keyId });
        }
        return findApiKey(trx, actor.userId, keyId);
      });
      publish({ keyId });
      if (!row) throw new ApiError('not_found');
      return toView(row);
    },

    /**
     * THE cascade walk (API.md §5): the key, every key minted through it and every key it was
     * rolled to, transitively and whatever their status; the active ones are revoked, each with
     * its own audit event. Leak response calls this with reason "leaked".
     */
    async revokeWithDescendants(
      userId: string,
      keyId: string,
      reason: RevokedReason,
      auditActor: string,
    ): Promise<{ view: ApiKeyView; cascaded: string[] }> {
      const { row, changed } = await db.transaction().execute(async (trx) => {
        const root = await findApiKey(trx, userId, keyId);
        if (!root) throw new ApiError('not_found');
        const changed = await revokeTree(trx, userId, root, reason, auditActor);
        return { row: await findApiKey(trx, userId, keyId), changed };
      });
      for (const id of changed) publish({ keyId: id });
      if (!row) throw new ApiError('not_found');
      return { view: toView(row), cascaded: changed.filter((id) => id !== keyId) };
    },

    /**
     * The same walk inside the caller's transaction, for the leak response (its audit event,
     * notice and webhooks commit with the revoke). Records invalidations; the caller publishes.
     */
    async revokeTreeWithin(
      trx: Kysely<Database>,
      keyId: string,
      reason: RevokedReason,
      auditActor: string,
    ): Promise<{ changed: boolean; cascaded: string[] }> {
      const root = await findApiKeyById(trx, keyId);
      if (!root) return { changed: false, cascaded: [] };
      const changed = await revokeTree(trx, root.user_id, root, reason, auditActor);
      return { changed: changed.includes(keyId), cascaded: changed.filter((id) => id !== keyId) };
    },

    async getPolicy(userId: string): Promise<{ maxLifetimeDays: number | null }> {
      return { maxLifetimeDays: (await findKeyPolicy(db, userId))?.max_lifetime_days ?? null };
    },

    async putPolicy(userId: string, actor: string, maxLifetimeDays: number | null) {
      await db.transaction().execute(async (trx) => {
        await saveKeyPolicy(trx, userId, maxLifetimeDays);
        await recordAudit(trx, {
          userId,
          actor,
          action: 'key_policy.updated',
          data: { maxLifetimeDays },
        });
      });
      return { maxLifetimeDays };
    },

    /** One row per UTC day, oldest first, zeros included; counts not yet flushed are added. */
    async usage(actor: KeyActor, keyId: string, days: number) {
      await this.get(actor, keyId);
      const today = Date.UTC(
        new Date().getUTCFullYear(),
        new Date().getUTCMonth(),
        new Date().getUTCDate(),
      );
      const dates = Array.from({ length: days }, (_, i) =>
        new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
      );
      const byDate = new Map(
        dates.map((date) => [date, { date, requests: 0, rejected: 0, unauthorized: 0 }]),
      );
      for (const r of [
        ...(await findKeyUsage(db, keyId, dates[0] ?? '')),
        ...usage.pendingFor(keyId),
      ]) {
        const day = byDate.get(r.date);
        if (!day) continue;
        day.requests += Number(r.requests);
        day.rejected += Number(r.rejected);
        day.unauthorized += Number(r.unauthorized);
      }
      return { data: [...byDate.values()] };
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

const FULL: Permissions = {
  businesses: 'write',
  agents: 'write',
  calls: 'write',
  conversations: 'write',
  webhooks: 'write',
  telephony: 'write',
};

function allowedIpsOf(row: ApiKeyRow): string[] {
  return row.allowed_ips ? (JSON.parse(row.allowed_ips) as string[]) : [];
}

/** Canonical, de-duplicated and sorted; 400 naming the first entry that is not an address. */
function canonicalIps(entries: string[], path: string): string[] {
  if (entries.length > MAX_ALLOWED_IPS) {
    throw ApiError.invalidField(path, `must have at most ${MAX_ALLOWED_IPS} entries`);
  }
  const out = entries.map((entry, i) => {
    const canonical = canonicalEntry(entry);
    if (!canonical) {
      throw ApiError.invalidField(
        `${path}/${i}`,
        `is not an IPv4/IPv6 address or CIDR block (${JSON.stringify(entry).slice(0, 60)})`,
      );
    }
    return canonical;
  });
  return [...new Set(out)].sort();
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
