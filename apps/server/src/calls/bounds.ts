import { type CallOutcome, MAX_CALL_SECONDS } from '../telephony/provider.js';
import type { CallRow } from './views.js';

/** A whole number of seconds in 0…MAX_CALL_SECONDS; anything else (NaN, ±Infinity) is 0. */
export function boundDuration(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(MAX_CALL_SECONDS, Math.round(seconds));
}

/** `at`, moved into [floor, now]: a reported time can neither precede the call nor be ahead. */
function within(at: Date, floor: string, now: Date): Date {
  const ms = Number.isNaN(at.getTime()) ? now.getTime() : Math.min(at.getTime(), now.getTime());
  return new Date(Math.max(ms, Date.parse(floor)));
}

const latest = (...times: (string | null)[]): string =>
  times
    .filter((t): t is string => t !== null)
    .reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));

/** When the call was answered: not before it was dialled, not after now. */
export function boundAnsweredAt(row: CallRow, at: Date, now = new Date()): Date {
  return within(at, latest(row.created_at, row.dialed_at), now);
}

/**
 * An outcome made consistent with the call as stored, whoever reported it: the answer time is
 * the one recorded first (a call is answered once), the end comes after the answer and the
 * dial, nothing is in the future, and the duration is a bounded whole number of seconds.
 */
export function boundOutcome(row: CallRow, outcome: CallOutcome, now = new Date()): CallOutcome {
  const answeredAt = row.answered_at
    ? new Date(row.answered_at)
    : outcome.answeredAt && boundAnsweredAt(row, outcome.answeredAt, now);
  const floor = latest(row.created_at, row.dialed_at, answeredAt?.toISOString() ?? null);
  const endedAt = within(outcome.endedAt, floor, now);
  return {
    ...outcome,
    answeredAt,
    endedAt,
    durationSeconds: answeredAt ? boundDuration(outcome.durationSeconds) : 0,
    messages: outcome.messages.map((m) => ({
      ...m,
      at: new Date(Math.min(within(m.at, row.created_at, now).getTime(), endedAt.getTime())),
    })),
  };
}
