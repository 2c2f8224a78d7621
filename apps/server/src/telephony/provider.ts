import type { CallStatus, ProviderName } from '../db/schema.js';

/**
 * The carrier boundary. Telephony knows nothing of how calls are stored: the calls feature hands a
 * provider a `DialRequest` and a `CallSink` it implements, and the provider reports back through it.
 */

export type FinalStatus = Exclude<CallStatus, 'queued' | 'ringing' | 'in_progress'>;

/** What the provider is asked to play: the agent as it was when the call was accepted. */
export interface AgentSnapshot {
  name: string;
  language: string;
  voice: string;
  /** The greeting with the call's variables filled in. */
  greeting: string;
  instructions: string;
  businessName: string;
}

/** One call, as a carrier needs to see it. */
export interface DialRequest {
  callId: string;
  businessId: string;
  to: string;
  from: string;
  agent: AgentSnapshot;
  /** When the intent to dial was recorded (the simulator's clock starts there). */
  dialedAt: string;
  /** The carrier's own id, once it reported one. */
  providerCallId: string | null;
  answeredAt: string | null;
}

/** No call lasts longer than a day: a reported duration beyond it is a lie, not a long call. */
export const MAX_CALL_SECONDS = 86_400;

/** How a call ended, as the provider reports it. */
export interface CallOutcome {
  status: FinalStatus;
  endedReason: string;
  endedAt: Date;
  /** When the callee picked up; absent for calls never answered. */
  answeredAt?: Date;
  durationSeconds: number;
  /** Transcript lines to append, in order. */
  messages: { role: 'agent' | 'user' | 'system'; text: string; at: Date }[];
}

/** What a provider reports back while it runs a call. Every method is safe to call twice. */
export interface CallSink {
  /** Records the provider's id; resolves false when the call ended meanwhile (hang up there). */
  placed(providerCallId: string): Promise<boolean>;
  /** Resolves false when the call should not go on (it was canceled or ended elsewhere). */
  answered(at: Date): Promise<boolean>;
  /** Resolves false when the call had already reached a final status. */
  ended(outcome: CallOutcome): Promise<boolean>;
}

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
  place(call: DialRequest, sink: CallSink, signal: AbortSignal): Promise<Handoff | undefined>;
  /** Picks up a call that may already have been placed, by this process or a dead one. */
  resume(call: DialRequest, sink: CallSink, signal: AbortSignal): Promise<Handoff | undefined>;
  /** Hangs up a call that was not answered yet; best effort. */
  cancel(call: DialRequest): Promise<void>;
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
