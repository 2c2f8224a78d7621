import { type Kysely, sql } from 'kysely';
import { changeCredit, ensureBillingAccount, insertUsage, releaseHold } from '../billing/repo.js';
import { findBusinessById } from '../businesses/repo.js';
import { appendMessages, updateConversation } from '../conversations/repo.js';
import { toConversationSummary } from '../conversations/views.js';
import type { CallStatus, Database } from '../db/schema.js';
import type { CallOutcome, CallSink } from '../telephony/provider.js';
import { recordEvent } from '../webhooks/outbox.js';
import { boundAnsweredAt, boundOutcome } from './bounds.js';
import { findCallById, setProviderCallId, transitionCall } from './repo.js';
import { ACTIVE_STATUSES, type CallRow, toCallView } from './views.js';

export interface LifecycleDeps {
  db: Kysely<Database>;
  freeCreditMinutes: number;
  /** Called after a commit that wrote outbox events (wakes the webhook deliverer). */
  notify?: () => void;
}

export type CallLifecycle = ReturnType<typeof callLifecycle>;

/**
 * Every status change of a call, each in one transaction with its conversation, its outbox
 * events and (on completion) its usage record and credit draw-down. Each change is guarded by
 * the status it leaves, so a call reaches exactly one final status however many workers,
 * callbacks and requests race for it.
 */
export function callLifecycle({ db, freeCreditMinutes, notify = () => {} }: LifecycleDeps) {
  async function markDialing(callId: string, workerId: string): Promise<CallRow | undefined> {
    const now = new Date().toISOString();
    const row = await db.transaction().execute(async (trx) => {
      const moved = await transitionCall(
        trx,
        callId,
        ['queued'],
        {
          status: 'ringing',
          dialed_at: now,
          // Counted, not set: a test that finds 2 here has caught a call placed twice.
          dial_attempts: sql<number>`dial_attempts + 1`,
          updated_at: now,
        },
        { claimedBy: workerId },
      );
      if (!moved) return undefined;
      await updateConversation(trx, moved.conversation_id, { status: 'ringing', updated_at: now });
      await recordEvent(trx, {
        businessId: moved.business_id,
        type: 'call.ringing',
        data: toCallView(moved),
      });
      return moved;
    });
    if (row) notify();
    return row;
  }

  async function markAnswered(callId: string, at: Date): Promise<boolean> {
    const now = new Date().toISOString();
    const moved = await db.transaction().execute(async (trx) => {
      const before = await findCallById(trx, callId);
      if (before?.status !== 'ringing') return undefined;
      // Its dial time is fixed once ringing, so the bound read here still holds at the update.
      const answeredAt = boundAnsweredAt(before, at).toISOString();
      const row = await transitionCall(trx, callId, ['ringing'], {
        status: 'in_progress',
        answered_at: answeredAt,
        updated_at: now,
      });
      if (!row) return undefined;
      await updateConversation(trx, row.conversation_id, {
        status: 'in_progress',
        answered_at: answeredAt,
        updated_at: now,
      });
      await recordEvent(trx, {
        businessId: row.business_id,
        type: 'call.in_progress',
        data: toCallView(row),
      });
      return row;
    });
    if (moved) {
      notify();
      return true;
    }
    return (await findCallById(db, callId))?.status === 'in_progress';
  }

  async function finish(
    callId: string,
    reported: CallOutcome,
    from: readonly CallStatus[] = ACTIVE_STATUSES,
  ): Promise<boolean> {
    const now = new Date().toISOString();
    const finished = await db.transaction().execute(async (trx) => {
      // The bounds depend on the row (its answer time), so the update is guarded by the status
      // read with it: if the call moved on meanwhile (it was just answered), read it again.
      let row: CallRow | undefined;
      let outcome = reported;
      for (let attempt = 0; attempt < 3 && !row; attempt++) {
        const before = await findCallById(trx, callId);
        if (!before || !from.includes(before.status)) return false;
        outcome = boundOutcome(before, reported);
        row = await transitionCall(trx, callId, [before.status], {
          status: outcome.status,
          ended_reason: outcome.endedReason,
          ended_at: outcome.endedAt.toISOString(),
          duration_seconds: outcome.durationSeconds,
          ...(outcome.answeredAt ? { answered_at: outcome.answeredAt.toISOString() } : {}),
          claimed_by: null,
          lease_until: null,
          updated_at: now,
        });
      }
      if (!row) return false;
      const endedAt = outcome.endedAt.toISOString();
      const conversation = await updateConversation(trx, row.conversation_id, {
        status: outcome.status,
        ended_reason: outcome.endedReason,
        ended_at: endedAt,
        duration_seconds: outcome.durationSeconds,
        answered_at: row.answered_at,
        updated_at: now,
      });
      await appendMessages(
        trx,
        row.conversation_id,
        outcome.messages.map((m) => ({ role: m.role, text: m.text, at: m.at.toISOString() })),
      );
      const hold = await releaseHold(trx, row.id);
      if (outcome.status === 'completed') await recordUsage(trx, row, hold, endedAt, now);
      await recordEvent(trx, {
        businessId: row.business_id,
        type: outcome.status === 'completed' ? 'call.completed' : 'call.failed',
        data: toCallView(row),
      });
      if (conversation) {
        await recordEvent(trx, {
          businessId: row.business_id,
          type: 'conversation.ended',
          data: toConversationSummary(conversation),
        });
      }
      return true;
    });
    if (finished) notify();
    return finished;
  }

  /**
   * A usage record and the draw-down, in the transaction that completes the call. A call never
   * costs more than it held: its carrier was told to hang up by then (calls accepted before
   * holds existed have none and pay what they used).
   */
  async function recordUsage(
    trx: Kysely<Database>,
    row: CallRow,
    hold: number | undefined,
    endedAt: string,
    now: string,
  ): Promise<void> {
    const business = await findBusinessById(trx, row.business_id);
    if (!business) return;
    const used = Math.ceil(row.duration_seconds / 60);
    const minutes = hold === undefined ? used : Math.min(used, hold);
    await ensureBillingAccount(trx, business.owner_id, freeCreditMinutes, now);
    await insertUsage(trx, {
      call_id: row.id,
      user_id: business.owner_id,
      business_id: row.business_id,
      conversation_id: row.conversation_id,
      duration_seconds: row.duration_seconds,
      minutes,
      ended_at: endedAt,
      created_at: now,
    });
    if (minutes > 0) await changeCredit(trx, business.owner_id, -minutes, now);
  }

  return {
    markDialing,
    markAnswered,
    finish,

    /** The sink a provider reports one call's progress to. */
    sinkFor(callId: string): CallSink {
      return {
        placed: async (sid) => {
          await setProviderCallId(db, callId, sid);
          const row = await findCallById(db, callId);
          return row !== undefined && ACTIVE_STATUSES.includes(row.status);
        },
        answered: (at) => markAnswered(callId, at),
        ended: (outcome) => finish(callId, outcome),
      };
    },
  };
}
