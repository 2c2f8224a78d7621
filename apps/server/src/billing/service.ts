import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import { allows } from '../auth/permissions.js';
import { canReachBusiness, type Principal } from '../auth/principal.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { type CursorCodec, type Page, toPage } from '../http/pagination.js';
import { DEFAULT_PAGE_SIZE, isoTime, type PageRequest } from '../http/route-kit.js';
import {
  changeCredit,
  ensureBillingAccount,
  listUsage,
  type UsageRow,
  usageTotals,
} from './repo.js';
import type { Billing, UsageRecord } from './schemas.js';

function toUsageView(row: UsageRow): UsageRecord {
  return {
    callId: row.call_id,
    businessId: row.business_id,
    conversationId: row.conversation_id,
    durationSeconds: row.duration_seconds,
    minutes: row.minutes,
    endedAt: row.ended_at,
  };
}

/** The calendar month (UTC) that contains `now`. */
export function periodOf(now: Date): { start: string; end: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start: start.toISOString(), end: end.toISOString() };
}

export type BillingService = ReturnType<typeof billingService>;

export function billingService(deps: {
  db: Kysely<Database>;
  cursors: CursorCodec;
  freeCreditMinutes: number;
}) {
  const { db, cursors, freeCreditMinutes } = deps;

  return {
    async summary(userId: string, now = new Date()): Promise<Billing> {
      const account = await ensureBillingAccount(db, userId, freeCreditMinutes);
      const period = periodOf(now);
      const totals = await usageTotals(db, userId, period.start, period.end);
      return {
        plan: account.plan,
        creditMinutes: account.credit_minutes,
        heldMinutes: account.held_minutes,
        currentPeriod: { ...period, ...totals },
      };
    },

    /**
     * Usage records, newest first. A restricted key sees its own businesses only, and naming
     * another business is a 403 rather than an empty page.
     */
    async usage(
      principal: Pick<Principal, 'userId' | 'businessScope' | 'kind' | 'permissions'>,
      q: PageRequest & { businessId?: string; from?: string; to?: string },
    ): Promise<Page<UsageRecord>> {
      const { businessScope } = principal;
      // Usage records are call data (API.md §5): a key needs calls:read to see them.
      if (principal.kind === 'key' && !allows(principal.permissions, 'calls', 'read')) {
        throw new ApiError(
          'permission_denied',
          'This API key does not have the "calls:read" permission.',
        );
      }
      if (q.businessId && !canReachBusiness(principal, q.businessId)) {
        throw new ApiError('business_access_denied');
      }
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      let after: { endedAt: string; callId: string } | undefined;
      if (q.cursor) {
        const [endedAt, callId] = cursors.decode(q.cursor).split('|');
        if (!endedAt || !callId) throw new ApiError('invalid_cursor');
        after = { endedAt, callId };
      }
      const rows = await listUsage(db, {
        userId: principal.userId,
        businessId: q.businessId,
        businessIds: businessScope.type === 'restricted' ? businessScope.businessIds : undefined,
        from: q.from === undefined ? undefined : isoTime(q.from, 'from'),
        to: q.to === undefined ? undefined : isoTime(q.to, 'to'),
        after,
        limit: limit + 1,
      });
      return toPage(rows, limit, cursors, (r) => `${r.ended_at}|${r.call_id}`, toUsageView);
    },

    /** An operator adds call credit; the account leaves the free plan. Returns the new balance. */
    async credit(userId: string, minutes: number, actor: AuditActor): Promise<number> {
      if (!Number.isInteger(minutes) || minutes <= 0) {
        throw new ApiError('validation_error', 'The minutes to add must be a positive integer.');
      }
      return db.transaction().execute(async (trx) => {
        const now = new Date().toISOString();
        await ensureBillingAccount(trx, userId, freeCreditMinutes, now);
        await changeCredit(trx, userId, minutes, now, 'prepaid');
        await recordAudit(trx, {
          userId,
          actor,
          action: 'billing.credited',
          data: { minutes },
        });
        const account = await ensureBillingAccount(trx, userId, freeCreditMinutes, now);
        return account.credit_minutes;
      });
    },
  };
}
