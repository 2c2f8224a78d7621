import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import { recordInvalidation } from '../cache/invalidation.js';
import type { Db, RevokedReason } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type {
  ApiKeyView,
  CreatedKey,
  KeyActor,
  KeyCreator,
  KeyKit,
  KeyServiceDeps,
} from './kit.js';
import { statusOf } from './kit.js';
import {
  findApiKey,
  findApiKeyById,
  findKeyPolicy,
  markRolled,
  revokeApiKey,
  saveKeyPolicy,
} from './repo.js';

/** Roll, revoke (with its cascade) and the account key policy (API.md §5). */
export function keyLifecycle(kit: KeyKit, deps: KeyServiceDeps) {
  const { db, publish } = deps;
  const { visibleTo, policyBound, limitsOf, mint, toView, revokeTree } = kit;

  const lifecycle = {
    /**
     * Rotation with overlap: a new key with the old one's rights; the old one keeps working until
     * now + overlap (never longer than it would have) and records what it was rolled to.
     */
    async roll(
      creator: KeyCreator,
      keyId: string,
      overlapSeconds: number,
      idempotencyKey?: string,
    ): Promise<CreatedKey & { replayed: boolean }> {
      const within = await visibleTo(creator);
      const now = new Date();
      const bound = await policyBound(creator.userId, now);
      const { result, replayed } = await kit.idempotency.run(
        creator.userId,
        idempotencyKey,
        // Who, not from where: a retry from another address still replays.
        { op: 'roll', by: creator.actor.id, keyId, overlapSeconds },
        async (trx) => {
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
          return { view: toView(created.row, now.toISOString()), key: created.key };
        },
      );
      if (!replayed) publish({ keyId });
      return { ...result, replayed };
    },

    /** Revokes at once: this process drops its cache now, others within about a second. */
    async revoke(
      actor: KeyActor,
      keyId: string,
      auditActor: AuditActor,
      options: { cascade?: boolean } = {},
    ): Promise<ApiKeyView & { cascaded?: string[] }> {
      const within = await visibleTo(actor);
      const existing = await findApiKey(db, actor.userId, keyId, within);
      if (!existing) throw new ApiError('not_found');
      if (options.cascade) {
        const { view, cascaded } = await lifecycle.revokeWithDescendants(
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
      auditActor: AuditActor,
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
      trx: Db,
      keyId: string,
      reason: RevokedReason,
      auditActor: AuditActor,
    ): Promise<{ changed: boolean; cascaded: string[] }> {
      const root = await findApiKeyById(trx, keyId);
      if (!root) return { changed: false, cascaded: [] };
      const changed = await revokeTree(trx, root.user_id, root, reason, auditActor);
      return { changed: changed.includes(keyId), cascaded: changed.filter((id) => id !== keyId) };
    },

    async getPolicy(userId: string): Promise<{ maxLifetimeDays: number | null }> {
      return { maxLifetimeDays: (await findKeyPolicy(db, userId))?.max_lifetime_days ?? null };
    },

    async putPolicy(userId: string, actor: AuditActor, maxLifetimeDays: number | null) {
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
  };
  return lifecycle;
}
