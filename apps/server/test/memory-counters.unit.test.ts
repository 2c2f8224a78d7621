import { describe, expect, it } from 'vitest';
import { MemoryCounters, memoryCounters, Throttle } from '../src/auth/rate-limit.js';

/** Counters on a clock the test moves. */
function counters(durationMs: number, maxWindows?: number) {
  let now = 1_000;
  const c = new MemoryCounters(durationMs, maxWindows, () => now);
  return {
    c,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

// Issue 12: rate-limiter-flexible's memory store kept a timer per key (RSS 144 → 292 MiB in a
// soak of 207k distinct keys); these counters keep no timer and stay bounded.
describe('in-memory rate-limit windows', () => {
  it('a window counts from its first point and starts again once it has ended', () => {
    const { c, advance } = counters(60_000);
    expect(c.spend('k')).toEqual({ spent: 1, msLeft: 60_000 });
    advance(59_000);
    expect(c.spend('k')).toEqual({ spent: 2, msLeft: 1_000 });
    advance(1_000);
    expect(c.spend('k')).toEqual({ spent: 1, msLeft: 60_000 });
  });

  it('peek does not spend; refund gives one point back; clear forgets the key', () => {
    const { c, advance } = counters(1_000);
    expect(c.peek('k')).toBeUndefined();
    c.spend('k');
    c.spend('k');
    expect(c.peek('k')).toEqual({ spent: 2, msLeft: 1_000 });
    c.refund('k');
    expect(c.peek('k')?.spent).toBe(1);
    c.clear('k');
    expect(c.peek('k')).toBeUndefined();
    c.spend('k');
    advance(1_000);
    expect(c.peek('k')).toBeUndefined();
  });

  it('windows that ended are dropped as new ones open, so the map holds about one window of keys', () => {
    const { c, advance } = counters(1_000);
    for (let i = 0; i < 5_000; i++) c.spend(`a${i}`);
    expect(c.size).toBe(5_000);
    advance(1_000);
    // Each new window drops up to 64 ended ones: 100 new keys clear all 5,000 old ones.
    for (let i = 0; i < 100; i++) c.spend(`b${i}`);
    expect(c.size).toBe(100);
  });

  it('never holds more than its maximum: a flood of distinct keys drops the oldest windows', () => {
    const { c } = counters(60_000, 1_000);
    for (let i = 0; i < 10_000; i++) c.spend(`ip${i}`);
    expect(c.size).toBe(1_000);
    expect(c.peek('ip0')).toBeUndefined();
    expect(c.peek('ip9999')?.spent).toBe(1);
  });

  it('a throttle answers at once (no promise) from memory, allowed up to its points then refused', () => {
    const throttle = new Throttle(memoryCounters(), {
      prefix: 't',
      points: 2,
      durationSeconds: 60,
    });
    const first = throttle.consume('k');
    expect(first).not.toBeInstanceOf(Promise);
    expect(first).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
    expect(throttle.consume('k')).toMatchObject({ allowed: true, remaining: 0 });
    expect(throttle.consume('k')).toMatchObject({ allowed: false, remaining: 0 });
    expect(throttle.isExhausted('k')).toMatchObject({ allowed: false });
    expect(throttle.isExhausted('other')).toBeUndefined();
  });
});
