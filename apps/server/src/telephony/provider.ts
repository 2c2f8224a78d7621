import type { CallSink } from '../calls/lifecycle.js';
import type { CallRow } from '../calls/views.js';
import type { ProviderName } from '../db/schema.js';

/** The provider no longer needs this process to hold the call; ask it again after a while. */
export interface Handoff {
  recheckInMs: number;
}

/**
 * A carrier. The dispatcher records the intent to dial before `place`, so `place` runs at most
 * once per call; after a crash it calls `resume` instead, which finds out where the call is and
 * never dials again.
 */
export interface TelephonyProvider {
  readonly name: ProviderName;
  /**
   * Places the call and reports its progress to `sink`. Resolves when the call ended, or with a
   * `Handoff` when the provider reports the rest on its own (Twilio's status callbacks).
   * Rejects with `ProviderError` when the provider refused the call.
   */
  place(call: CallRow, sink: CallSink, signal: AbortSignal): Promise<Handoff | undefined>;
  /** Picks up a call that may already have been placed, by this process or a dead one. */
  resume(call: CallRow, sink: CallSink, signal: AbortSignal): Promise<Handoff | undefined>;
  /** Hangs up a call that was not answered yet; best effort. */
  cancel(call: CallRow): Promise<void>;
}

/** The provider refused or could not be asked; the message is safe to log, never a secret. */
export class ProviderError extends Error {
  override name = 'ProviderError';
}

/** Resolves at `at` (epoch ms), or at once if that is past; rejects when `signal` aborts. */
export function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  const delay = at - Date.now();
  if (signal.aborted) return Promise.reject(signal.reason);
  if (delay <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
