import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { type CursorCodec, type Page, toPage } from '../http/pagination.js';
import {
  changeCredit,
  ensureBillingAccount,
  heldMinutes,
  listUsage,
  type UsageRow,
  usageTotals,
} from './repo.js';

export interface BillingView {
  plan: 'free' | 'prepaid';
  creditMinutes: number;
  heldMinutes: number;
  currentPeriod: {
    start: string;
    end: string;
    calls: number;
    minutes: number;
    seconds: number;
  };
}

export interface UsageView {
  callId: string;
  businessId: string;
  conversationId: string;
  durationSeconds: number;
  minutes: number;
  endedAt: string;
}

function toUsageView(row: UsageRow): UsageView {
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
    async summary(userId: string, now = new Date()): Promise<BillingView> {
      const account = await ensureBillingAccount(db, userId, freeCreditMinutes);
      const period = periodOf(now);
      const totals = await usageTotals(db, userId, period.start, period.end);
      return {
        plan: account.plan,
        creditMinutes: account.credit_minutes,
        heldMinutes: await heldMinutes(db, userId),
        currentPeriod: { ...period, ...totals },
      };
    },

    async usage(
      userId: string,
      q: { limit: number; cursor?: string; businessId?: string; from?: string; to?: string },
    ): Promise<Page<UsageView>> {
      let after: { endedAt: string; callId: string } | undefined;
      if (q.cursor) {
        const [endedAt, callId] = cursors.decode(q.cursor).split('|');
        if (!endedAt || !callId) throw new ApiError('invalid_cursor');
        after = { endedAt, callId };
      }
      const rows = await listUsage(db, {
        userId,
        businessId: q.businessId,
        from: q.from,
        to: q.to,
        after,
        limit: q.limit + 1,
      });
      return toPage(rows, q.limit, cursors, (r) => `${r.ended_at}|${r.call_id}`, toUsageView);
    },

    /** An operator adds call credit; the account leaves the free plan. Returns the new balance. */
    async credit(userId: string, minutes: number, actor: string): Promise<number> {
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
