import { describe, expect, it } from 'vitest';
import { boundDuration, boundOutcome } from '../src/calls/bounds.js';
import type { CallRow } from '../src/calls/views.js';
import { parseTwilioDuration } from '../src/telephony/twilio.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const row = {
  created_at: '2030-06-01T11:59:00.000Z',
  dialed_at: '2030-06-01T11:59:01.000Z',
  answered_at: '2030-06-01T11:59:05.000Z',
} as CallRow;
const outcome = (o: { endedAt: Date; durationSeconds: number; answeredAt?: Date }) => ({
  status: 'completed' as const,
  endedReason: 'hangup',
  messages: [{ role: 'system' as const, text: 'ended', at: new Date(0) }],
  ...o,
});

describe('call bounds (any provider)', () => {
  it('a duration is whole seconds in 0…86400: -36000, 1e308, NaN and Infinity do not bill', () => {
    expect(
      [-36000, 1e308, Number.NaN, Number.POSITIVE_INFINITY, 12.5, 42].map(boundDuration),
    ).toEqual([0, 86_400, 0, 0, 13, 42]);
  });

  it('Twilio durations are decimal whole seconds up to a day, nothing else', () => {
    for (const bad of ['-36000', '1e308', 'NaN', '12.5', '86401', '', ' 42', '0x10', undefined]) {
      expect(parseTwilioDuration(bad), String(bad)).toBeUndefined();
    }
    expect(parseTwilioDuration('0')).toBe(0);
    expect(parseTwilioDuration('86400')).toBe(86_400);
  });

  it('an end in 2001 comes no earlier than the answer; one in 2100 no later than now', () => {
    const early = boundOutcome(
      row,
      outcome({ endedAt: new Date('2001-01-01'), durationSeconds: 5 }),
      NOW,
    );
    expect(early.endedAt.toISOString()).toBe(row.answered_at);
    expect(early.messages[0]?.at.getTime()).toBeGreaterThanOrEqual(Date.parse(row.created_at));
    const late = boundOutcome(
      row,
      outcome({ endedAt: new Date('2100-01-01'), durationSeconds: 5 }),
      NOW,
    );
    expect(late.endedAt).toEqual(NOW);
  });

  it('the answer time recorded first stands; an unanswered call has no duration', () => {
    const moved = boundOutcome(
      row,
      outcome({ endedAt: NOW, answeredAt: new Date('2001-01-01'), durationSeconds: 9 }),
      NOW,
    );
    expect(moved.answeredAt?.toISOString()).toBe(row.answered_at);
    const never = boundOutcome(
      { ...row, answered_at: null },
      { ...outcome({ endedAt: NOW, durationSeconds: 600 }), status: 'busy' },
      NOW,
    );
    expect(never.durationSeconds).toBe(0);
  });
});
