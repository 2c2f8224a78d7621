import type TwilioSdk from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import {
  type CallOutcome,
  type CallSink,
  type DialRequest,
  type Handoff,
  MAX_CALL_SECONDS,
  ProviderError,
  type TelephonyProvider,
} from './provider.js';

/** A business's Twilio account, opened from its sealed settings. */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  fromNumber: string;
}

type Twilio = typeof TwilioSdk;
let sdk: Promise<Twilio> | undefined;

/** The SDK is large; only servers that place Twilio calls load it, and only once. */
export function loadTwilio(): Promise<Twilio> {
  sdk ??= import('twilio').then((m) => m.default);
  return sdk;
}

export const TWILIO_STATUS_PATH = '/telephony/twilio/status';

export interface TwilioProviderDeps {
  credentials: (businessId: string) => Promise<TwilioCredentials | undefined>;
  /** Base of our public status-callback route. */
  publicUrl: string;
  /** Another base URL for Twilio's REST API (a stand-in in tests); unset means Twilio's. */
  apiBaseUrl?: string;
  /** How long to wait for callbacks before asking Twilio where a call is. */
  recheckInMs: number;
  /** Twilio hangs up a call after this long (`TimeLimit`): no call outlasts its credit hold. */
  timeLimitSeconds?: number;
  requestTimeoutMs?: number;
}

/** The statuses Twilio reports a call in; anything else did not come from Twilio. */
export const TWILIO_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'answered',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const;

/** Statuses after which a Twilio call changes no more. */
export const TWILIO_FINAL_STATUSES: readonly string[] = [
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
];

/** A Twilio call SID: it goes into REST API paths, so nothing else may pass for one. */
export const CALL_SID = /^CA[0-9a-f]{32}$/;

/**
 * Twilio's `CallDuration`/`duration`: whole seconds as a decimal string. Undefined for anything
 * else (`-36000`, `1e308`, `12.5`, `NaN`) or for more than a day.
 */
export function parseTwilioDuration(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds <= MAX_CALL_SECONDS ? seconds : undefined;
}

/** A status as Twilio reports it, from a callback or a fetch. */
export interface TwilioReport {
  status: string;
  durationSeconds?: number;
  at?: Date;
}

const NOT_ANSWERED: Record<string, [CallOutcome['status'], string, string]> = {
  busy: ['busy', 'busy', 'The line was busy.'],
  'no-answer': ['no_answer', 'no_answer', 'Nobody answered the call.'],
  failed: ['failed', 'carrier_error', 'The carrier could not connect the call.'],
  canceled: ['canceled', 'canceled', 'The call was canceled before it was answered.'],
};

/**
 * Applies one Twilio status to a call; resolves true when the call has ended. Twilio's call
 * plays the agent's greeting (TwiML `<Say>`), so that is the transcript it leaves.
 */
export async function applyTwilioReport(
  call: DialRequest,
  sink: CallSink,
  report: TwilioReport,
): Promise<boolean> {
  // Never later than now: a report cannot describe what has not happened yet.
  const now = Date.now();
  const reported = report.at?.getTime();
  const at = new Date(reported !== undefined && reported < now ? reported : now);
  if (report.status === 'in-progress' || report.status === 'answered') {
    await sink.answered(at);
    return false;
  }
  if (report.status === 'completed') {
    const duration = Math.min(MAX_CALL_SECONDS, Math.max(0, report.durationSeconds ?? 0));
    const answeredAt = call.answeredAt
      ? new Date(call.answeredAt)
      : new Date(at.getTime() - duration * 1000);
    await sink.ended({
      status: 'completed',
      endedReason: 'hangup',
      endedAt: at,
      answeredAt,
      durationSeconds: duration,
      messages: [
        { role: 'agent', text: call.agent.greeting, at: answeredAt },
        { role: 'system', text: 'The call ended.', at },
      ],
    });
    return true;
  }
  const ended = NOT_ANSWERED[report.status];
  if (!ended) return false; // queued, initiated, ringing: still on its way
  const [status, endedReason, text] = ended;
  await sink.ended({
    status,
    endedReason,
    endedAt: at,
    durationSeconds: 0,
    messages: [{ role: 'system', text, at }],
  });
  return true;
}

/** Places calls through the official client with the business's own account. */
export function twilioProvider(deps: TwilioProviderDeps): TelephonyProvider {
  async function clientFor(businessId: string) {
    const credentials = await deps.credentials(businessId);
    if (!credentials) throw new ProviderError('Twilio is not configured for this business.');
    const twilio = await loadTwilio();
    const base = deps.apiBaseUrl;
    const timeout = deps.requestTimeoutMs ?? 15_000;
    // The client has no base-URL option; its HTTP client is the documented extension point.
    const httpClient = base
      ? new (class extends twilio.RequestClient {
          override request<T>(opts: RequestClient.RequestOptions<T>) {
            return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, base) });
          }
        })({ timeout })
      : new twilio.RequestClient({ timeout });
    return twilio(credentials.accountSid, credentials.authToken, { httpClient });
  }

  return {
    name: 'twilio',

    async place(call, sink): Promise<Handoff | undefined> {
      const client = await clientFor(call.businessId);
      const twilio = await loadTwilio();
      const twiml = new twilio.twiml.VoiceResponse();
      twiml.say(call.agent.greeting);
      twiml.pause({ length: 1 });
      twiml.hangup();
      let created: { sid: string; status: string };
      try {
        created = await client.calls.create({
          to: call.to,
          from: call.from,
          twiml: twiml.toString(),
          statusCallback: `${deps.publicUrl}${TWILIO_STATUS_PATH}/${call.callId}`,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          timeout: 30,
          ...(deps.timeLimitSeconds ? { timeLimit: deps.timeLimitSeconds } : {}),
        });
      } catch (error) {
        const e = error as { status?: number; code?: number };
        throw new ProviderError(
          `Twilio refused the call (HTTP ${e.status ?? 'error'}, code ${e.code ?? 'none'}).`,
        );
      }
      if (!(await sink.placed(created.sid))) {
        // Canceled while Twilio was being asked: hang up there as well.
        await client
          .calls(created.sid)
          .update({ status: 'canceled' })
          .catch(() => undefined);
        return undefined;
      }
      await applyTwilioReport(call, sink, { status: created.status });
      return { recheckInMs: deps.recheckInMs };
    },

    async resume(call, sink): Promise<Handoff | undefined> {
      if (!call.providerCallId) {
        // The process died between recording the intent and hearing back from Twilio: the call
        // may or may not exist there. Dialling again could ring the callee twice, so it ends.
        const at = new Date();
        await sink.ended({
          status: 'failed',
          endedReason: 'dispatch_interrupted',
          endedAt: at,
          durationSeconds: 0,
          messages: [{ role: 'system', text: 'The call was interrupted while dialling.', at }],
        });
        return undefined;
      }
      const client = await clientFor(call.businessId);
      const fetched = await client.calls(call.providerCallId).fetch();
      const ended = await applyTwilioReport(call, sink, {
        status: fetched.status,
        durationSeconds: parseTwilioDuration(fetched.duration) ?? 0,
        at: fetched.endTime ?? undefined,
      });
      return ended ? undefined : { recheckInMs: deps.recheckInMs };
    },

    async cancel(call) {
      if (!call.providerCallId) return;
      const client = await clientFor(call.businessId);
      await client.calls(call.providerCallId).update({ status: 'canceled' });
    },
  };
}
