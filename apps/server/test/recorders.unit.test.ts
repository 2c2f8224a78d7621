import { describe, expect, it } from 'vitest';
import { KeyUsageCounter } from '../src/auth/key-usage.js';
import { LastUsedRecorder } from '../src/auth/last-used.js';

// Issue 12: every per-key structure is bounded, between flushes as well.
describe('last-used and usage recorders stay bounded between flushes', () => {
  it('reaching maxPending distinct keys starts one flush at once, not one per key', async () => {
    const batches: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const recorder = new LastUsedRecorder(
      async (uses) => {
        batches.push(uses.length);
        await gate;
      },
      { intervalMs: 3_600_000, onError: () => {}, maxPending: 10 },
    );
    for (let i = 0; i < 25; i++) recorder.touch(`key_${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    // One flush started (it took what the turn had touched); none queued per key meanwhile.
    expect(batches).toEqual([25]);
    for (let i = 25; i < 60; i++) recorder.touch(`key_${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([25]);
    release();
    await recorder.stop();
    expect(batches).toEqual([25, 35]);
  });

  it('the usage counter flushes early the same way and loses no count', async () => {
    const written: number[] = [];
    const counter = new KeyUsageCounter(
      async (deltas) => {
        written.push(deltas.reduce((n, d) => n + d.requests, 0));
      },
      { intervalMs: 3_600_000, onError: () => {}, maxPending: 100 },
    );
    for (let i = 0; i < 1_000; i++)
      counter.count(`key_${i}`, { rejected: false, unauthorized: false });
    await counter.stop();
    expect(written.length).toBeGreaterThan(1);
    expect(written.reduce((a, b) => a + b, 0)).toBe(1_000);
  });
});
