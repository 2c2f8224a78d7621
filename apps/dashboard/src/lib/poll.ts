import { useEffect, useRef } from 'react';
import { ApiProblem } from '../api/client';

export interface PollOptions {
  /** Polls only while true (a call is still live). */
  enabled: boolean;
  /** The pause between two requests when all is well. */
  intervalMs: number;
  /** The longest pause after failures (doubling from `intervalMs`). */
  maxBackoffMs?: number;
}

/**
 * Runs `tick` again and again while `enabled`, one request at a time, and only while the tab is
 * visible: the session shares one rate budget (60 a minute) with every other page. A 429 waits
 * the `Retry-After` the server gave; other failures back off, doubling up to `maxBackoffMs`.
 */
export function usePoll(tick: () => Promise<void>, options: PollOptions): void {
  const { enabled, intervalMs, maxBackoffMs = 30_000 } = options;
  const latest = useRef(tick);
  latest.current = tick;

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: number | undefined;
    let failures = 0;

    const schedule = (ms: number) => {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, ms);
    };

    async function run() {
      if (stopped) return;
      if (document.visibilityState === 'hidden') return; // resumed by the visibility listener
      try {
        await latest.current();
        failures = 0;
        if (!stopped) schedule(intervalMs);
      } catch (error) {
        if (stopped) return;
        failures += 1;
        schedule(delayAfter(error, failures, intervalMs, maxBackoffMs));
      }
    }

    const onVisible = () => {
      if (document.visibilityState === 'visible') schedule(0);
    };
    document.addEventListener('visibilitychange', onVisible);
    schedule(intervalMs);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled, intervalMs, maxBackoffMs]);
}

/** How long to wait after the `failures`-th failure in a row. */
export function delayAfter(
  error: unknown,
  failures: number,
  intervalMs: number,
  maxBackoffMs: number,
): number {
  if (error instanceof ApiProblem && error.status === 429) {
    return Math.max((error.retryAfter ?? 5) * 1000, intervalMs);
  }
  return Math.min(intervalMs * 2 ** failures, maxBackoffMs);
}
