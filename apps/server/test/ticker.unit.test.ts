import { describe, expect, it } from 'vitest';
import { Ticker } from '../src/background/ticker.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tick that records when it ran and whether another was running, and takes `ms`. */
function recorder(ms = 0) {
  const runs: { start: number; end: number }[] = [];
  let inside = 0;
  let overlapped = false;
  const tick = async () => {
    inside++;
    if (inside > 1) overlapped = true;
    const run = { start: Date.now(), end: 0 };
    runs.push(run);
    await sleep(ms);
    run.end = Date.now();
    inside--;
  };
  return { runs, tick, overlapped: () => overlapped };
}

describe('Ticker', () => {
  it('runs a wake after a quiet spell at once, with no added delay', async () => {
    const r = recorder();
    const ticker = new Ticker(r.tick, 60_000, 20);
    ticker.start();
    await sleep(40);
    const before = r.runs.length;
    ticker.wake();
    // Started synchronously, inside wake().
    expect(r.runs.length).toBe(before + 1);
    await ticker.stop();
  });

  it('200 wakes in one burst run one tick and one more after it, not 200', async () => {
    const r = recorder(5);
    const ticker = new Ticker(r.tick, 60_000, 20);
    ticker.start();
    for (let i = 0; i < 200; i++) ticker.wake();
    await sleep(100);
    expect(r.runs).toHaveLength(2);
    await ticker.stop();
  });

  it('wakes every millisecond run at most one tick per gap, each a gap after the last ended', async () => {
    const r = recorder(2);
    const ticker = new Ticker(r.tick, 60_000, 20);
    ticker.start();
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      ticker.wake();
      await sleep(1);
    }
    const elapsed = Date.now() - started;
    await ticker.stop();
    expect(r.runs.length).toBeLessThanOrEqual(Math.ceil(elapsed / 20) + 1);
    for (let i = 1; i < r.runs.length; i++) {
      const gap = (r.runs[i]?.start ?? 0) - (r.runs[i - 1]?.end ?? 0);
      // Timers may fire a millisecond early by Date.now()'s rounding.
      expect(gap).toBeGreaterThanOrEqual(19);
    }
  });

  it('never runs two ticks at once; a wake during a tick runs exactly one more after it', async () => {
    const r = recorder(30);
    const ticker = new Ticker(r.tick, 60_000, 10);
    ticker.start();
    await sleep(5);
    ticker.wake();
    ticker.wake();
    await sleep(120);
    expect(r.runs).toHaveLength(2);
    expect(r.overlapped()).toBe(false);
    await ticker.stop();
  });

  it('stop() waits for the tick under way, and drops a tick waiting out the gap', async () => {
    const busy = recorder(30);
    const a = new Ticker(busy.tick, 60_000, 50);
    a.start();
    a.wake();
    await a.stop();
    expect(busy.runs).toHaveLength(1);
    expect(busy.runs[0]?.end).toBeGreaterThan(0);

    const idle = recorder();
    const b = new Ticker(idle.tick, 60_000, 50);
    b.start();
    await sleep(5);
    b.wake(); // due 50 ms after the first tick ended
    await b.stop();
    await sleep(80);
    expect(idle.runs).toHaveLength(1);
    expect(busy.runs).toHaveLength(1);
  });

  it('without a gap, a wake after a tick runs at once (the webhook deliverer)', async () => {
    const r = recorder();
    const ticker = new Ticker(r.tick, 60_000);
    ticker.start();
    await sleep(1);
    ticker.wake();
    expect(r.runs).toHaveLength(2);
    await ticker.stop();
  });
});
