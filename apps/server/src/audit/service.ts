import type { Kysely, RawBuilder, SqlBool } from 'kysely';
import { canReachBusiness, type Principal } from '../auth/principal.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { CursorCodec, Page } from '../http/pagination.js';
import { isoTime, paginate } from '../http/route-kit.js';
import { type AuditRow, listAuditEvents, parseData } from './repo.js';
import type { AuditEvent, AuditQueryInput } from './schemas.js';

const TARGET_TYPES: Record<string, string> = {
  key: 'api_key',
  usr: 'user',
  biz: 'business',
  whk: 'webhook',
  agt: 'agent',
  call: 'call',
};

/** The stored actor (`session`, `key_…`, `cli`, …) as the contract names it. */
export function actorView(row: Pick<AuditRow, 'actor' | 'user_id'>): AuditEvent['actor'] {
  if (row.actor === 'session') return { type: 'user', id: row.user_id };
  if (row.actor.startsWith('key_')) return { type: 'api_key', id: row.actor };
  if (row.actor === 'cli') return { type: 'operator', id: null };
  if (row.actor === 'secret_scanning') return { type: 'secret_scanning', id: null };
  return { type: 'system', id: null };
}

export function toAuditView(row: AuditRow): AuditEvent {
  const prefix = row.target_id?.split('_')[0] ?? '';
  return {
    id: row.id,
    action: row.action,
    actor: actorView(row),
    target: row.target_id ? { type: TARGET_TYPES[prefix] ?? prefix, id: row.target_id } : null,
    businessId: row.business_id,
    ip: row.ip,
    userAgent: row.user_agent,
    at: new Date(row.created_at).toISOString(),
    details: parseData(row.data),
  };
}

/** `actorId` as stored: a user's own id means its dashboard sessions. */
function storedActor(userId: string, actorId: string): string {
  if (actorId.startsWith('usr_')) return actorId === userId ? 'session' : 'none';
  return actorId;
}

export type AuditService = ReturnType<typeof auditService>;

export function auditService(deps: {
  db: Kysely<Database>;
  cursors: CursorCodec;
  /** SQL filter of the keys an API key may see (undefined for a session). */
  visibleKeys: (actor: {
    userId: string;
    keyId?: string;
  }) => Promise<RawBuilder<SqlBool> | undefined>;
}) {
  const { db, cursors, visibleKeys } = deps;
  return {
    /**
     * The account's log, newest first. A restricted key sees its businesses' events and the
     * api_key.* events of keys it could itself create; never account-level ones.
     */
    async list(
      principal: Pick<Principal, 'userId' | 'keyId' | 'businessScope'>,
      q: AuditQueryInput,
    ): Promise<Page<AuditEvent>> {
      if (q.businessId && !canReachBusiness(principal, q.businessId)) {
        throw new ApiError('business_access_denied');
      }
      const scope = principal.businessScope;
      const within = scope.type === 'restricted' ? await visibleKeys(principal) : undefined;
      const restrictedTo =
        scope.type === 'restricted' && within
          ? { businessIds: scope.businessIds, visibleKeys: within }
          : undefined;
      return paginate(
        cursors,
        q,
        (page) =>
          listAuditEvents(db, {
            userId: principal.userId,
            action: q.action,
            actor: q.actorId === undefined ? undefined : storedActor(principal.userId, q.actorId),
            targetId: q.targetId,
            businessId: q.businessId,
            since: q.since === undefined ? undefined : isoTime(q.since, 'since'),
            until: q.until === undefined ? undefined : isoTime(q.until, 'until'),
            ...page,
            restrictedTo,
          }),
        (r) => r.id,
        toAuditView,
      );
    },
  };
}
