import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import { blocksInside } from '../auth/ip-allowlist.js';
import { completePermissions } from '../auth/permissions.js';
import { recordInvalidation } from '../cache/invalidation.js';
import { ApiError } from '../http/errors.js';
import type { Page } from '../http/pagination.js';
import { paginate, requireText } from '../http/route-kit.js';
import { insideOf, type KeyLimits, storedAllowedIps, widerDimension } from './containment.js';
import {
  type ApiKeyView,
  allowedIpsOf,
  type CreatedKey,
  type CreateKeyInput,
  canonicalIps,
  checkExpiry,
  FULL,
  type KeyActor,
  type KeyCreator,
  type KeyServiceDeps,
  type KeyStatus,
  keyKit,
} from './kit.js';
import { keyLifecycle } from './lifecycle.js';
import { findApiKey, listApiKeys, updateApiKey } from './repo.js';
import { keyUsageReport } from './usage.js';

export type { ApiKeyView, CreateKeyInput, KeyActor, KeyCreator, KeyStatus } from './kit.js';

export type KeyService = ReturnType<typeof keyService>;

export function keyService(deps: KeyServiceDeps) {
  const { db, cursors, publish, defaultRateLimit } = deps;
  const kit = keyKit(deps);
  const { limitsOf, toView, ownKey, visibleTo, policyBound, mint, checkOwnership } = kit;

  const core = {
    toView,
    /** SQL filter of the keys an API key may see; the audit log applies it to api_key.* events. */
    visibleTo,

    /**
     * Mints a key. The plaintext is returned here once and never stored: the database keeps its
     * HMAC and a display hint. A key made by a key never exceeds it in any dimension.
     */
    async create(
      creator: KeyCreator,
      input: CreateKeyInput,
      idempotencyKey?: string,
    ): Promise<CreatedKey & { replayed: boolean }> {
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
      const { result, replayed } = await kit.idempotency.run(
        creator.userId,
        idempotencyKey,
        // The caller is part of the request: another key replaying this Idempotency-Key gets 422,
        // never a key it could not have made. Its address is not: a retry may come from another.
        { op: 'create', by: creator.actor.id, body: input },
        async (trx) => {
          const made = await mint(trx, creator, name, limits, { rateLimit, now });
          return { view: toView(made.row, now.toISOString()), key: made.key };
        },
      );
      return { ...result, replayed };
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
      actor: KeyActor & { actor: AuditActor },
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
      return core.get({ userId: actor.userId }, keyId);
    },
  };
  return { ...core, ...keyLifecycle(kit, deps), ...keyUsageReport(deps, core.get) };
}
