import type { Kysely, RawBuilder, Selectable, SqlBool } from 'kysely';
import type { AuditActor, RequestOrigin } from '../auth/actor.js';
import { limitOf } from '../db/limit.js';
import type { AuditEventsTable, Database } from '../db/schema.js';
import { newId } from '../ids.js';

export interface AuditEntry {
  userId: string;
  /** Who, and from which address and user agent (null outside a request). */
  actor: AuditActor;
  action: string;
  targetId?: string;
  /** The business the event is about, so restricted keys see their part of the log. */
  businessId?: string;
  /** Never a secret: only names, ids, limits and reasons. */
  data?: Record<string, unknown>;
}

/** Written inside the caller's transaction, so the record exists exactly when the change does. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  const { actor } = entry;
  await db
    .insertInto('audit_events')
    .values({
      id: newId('aud'),
      user_id: entry.userId,
      actor: actor.id,
      action: entry.action,
      target_id: entry.targetId ?? null,
      data: entry.data ? JSON.stringify(entry.data) : null,
      created_at: new Date().toISOString(),
      business_id: entry.businessId ?? null,
      ip: actor.ip,
      user_agent: actor.userAgent,
    })
    .execute();
}

export type AuditRow = Selectable<AuditEventsTable>;

/** Login failures are kept 90 days, every other event a year (API.md §5). */
export const LOGIN_FAILED_RETENTION_MS = 90 * 86_400_000;
export const AUDIT_RETENTION_MS = 365 * 86_400_000;

/**
 * One `user.login_failed` event per email and address per minute, its `details.count` growing:
 * a password-guessing run is one line a minute, not thousands. The actor is `system`, from the
 * login request's origin.
 */
export async function recordLoginFailure(
  db: Kysely<Database>,
  failure: { userId: string; email: string; origin: RequestOrigin },
  now = new Date(),
): Promise<void> {
  const { userId, email, origin } = failure;
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  await db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('audit_events')
      .select(['id', 'data'])
      .where('user_id', '=', userId)
      .where('action', '=', 'user.login_failed')
      .where('created_at', '>=', minute)
      .where('ip', '=', origin.ip)
      .execute();
    const same = rows.find((r) => parseData(r.data).email === email);
    if (same) {
      const count = Number(parseData(same.data).count ?? 1) + 1;
      await trx
        .updateTable('audit_events')
        .set({ data: JSON.stringify({ email, count }) })
        .where('id', '=', same.id)
        .execute();
      return;
    }
    await recordAudit(trx, {
      userId,
      actor: { id: 'system', ...origin },
      action: 'user.login_failed',
      targetId: userId,
      data: { email, count: 1 },
    });
  });
}

export function parseData(data: string | null): Record<string, unknown> {
  return data ? (JSON.parse(data) as Record<string, unknown>) : {};
}

export interface AuditListQuery {
  /** Absent only for the operator's CLI, which reads every account. */
  userId?: string;
  action?: string;
  /** The stored actor: `session`, `key_…`, `cli`, `secret_scanning`, `system`. */
  actor?: string;
  targetId?: string;
  businessId?: string;
  since?: string;
  until?: string;
  before?: string;
  limit: number;
  /** A restricted key's view: its businesses, and api_key.* events of the keys it can see. */
  restrictedTo?: { businessIds: string[]; visibleKeys: RawBuilder<SqlBool> };
}

/** Newest first, keyset-paginated on the (time-sortable) id. */
export async function listAuditEvents(
  db: Kysely<Database>,
  q: AuditListQuery,
): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_events as a')
    .selectAll('a')
    .orderBy('a.id', 'desc')
    .limit(limitOf(q.limit));
  if (q.userId !== undefined) query = query.where('a.user_id', '=', q.userId);
  if (q.action !== undefined) query = query.where('a.action', '=', q.action);
  if (q.actor !== undefined) query = query.where('a.actor', '=', q.actor);
  if (q.targetId !== undefined) query = query.where('a.target_id', '=', q.targetId);
  if (q.businessId !== undefined) query = query.where('a.business_id', '=', q.businessId);
  if (q.since !== undefined) query = query.where('a.created_at', '>=', q.since);
  if (q.until !== undefined) query = query.where('a.created_at', '<', q.until);
  if (q.before !== undefined) query = query.where('a.id', '<', q.before);
  const restricted = q.restrictedTo;
  if (restricted) {
    const { businessIds, visibleKeys } = restricted;
    query = query
      // Account-level events never reach a restricted key, whatever else they carry.
      .where('a.action', 'not like', 'user.%')
      .where('a.action', 'not like', 'key_policy.%')
      .where('a.action', 'not like', 'whitelabel.%')
      .where('a.action', 'not like', 'billing.%')
      .where((eb) =>
        eb.or([
          ...(businessIds.length > 0 ? [eb('a.business_id', 'in', businessIds)] : []),
          eb.and([
            eb('a.action', 'like', 'api_key.%'),
            eb(
              'a.target_id',
              'in',
              eb
                .selectFrom('api_keys as k')
                .select('k.id')
                .whereRef('k.user_id', '=', 'a.user_id')
                .where(visibleKeys),
            ),
          ]),
        ]),
      );
  }
  return query.execute();
}

/** Drops events past their retention (run by the maintenance loop). */
export async function purgeAuditEvents(db: Kysely<Database>, now = Date.now()): Promise<void> {
  await db
    .deleteFrom('audit_events')
    .where('action', '=', 'user.login_failed')
    .where('created_at', '<', new Date(now - LOGIN_FAILED_RETENTION_MS).toISOString())
    .execute();
  await db
    .deleteFrom('audit_events')
    .where('created_at', '<', new Date(now - AUDIT_RETENTION_MS).toISOString())
    .execute();
}
