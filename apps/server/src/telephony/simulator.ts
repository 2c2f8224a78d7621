import {
  type AgentSnapshot,
  type CallOutcome,
  type CallSink,
  type DialRequest,
  type FinalStatus,
  type Handoff,
  sleepUntil,
  type TelephonyProvider,
} from './provider.js';

/**
 * Twilio-style magic numbers. Any other number behaves like a callee who picks up, the way most
 * numbers on a real network do.
 */
export const MAGIC_NUMBERS = {
  '+15005550006': 'answered',
  '+15005550001': 'busy',
  '+15005550002': 'no_answer',
  '+15005550003': 'failed',
} as const;
export type SimulatedOutcome = (typeof MAGIC_NUMBERS)[keyof typeof MAGIC_NUMBERS];

/** The simulator's default caller id when a call names none. */
export const SIMULATOR_FROM = '+15005550006';

/** A call's whole timeline, in nominal milliseconds from the moment it was dialled. */
export interface SimulatedCall {
  outcome: SimulatedOutcome;
  status: FinalStatus;
  endedReason: string;
  answerAtMs: number | undefined;
  endAtMs: number;
  /** Whole seconds between answer and hang-up on the nominal clock: what is billed. */
  durationSeconds: number;
  messages: { role: 'agent' | 'user' | 'system'; text: string; atMs: number }[];
}

const RING_MS = { answered: 4_000, busy: 2_500, no_answer: 30_000, failed: 1_200 };
const PAUSE_MS = 700;

/** About 160 words a minute, plus a breath. */
function speechMs(text: string): number {
  return 600 + text.split(/\s+/).filter(Boolean).length * 375;
}

const NOT_ANSWERED: Record<Exclude<SimulatedOutcome, 'answered'>, [FinalStatus, string, string]> = {
  busy: ['busy', 'busy', 'The line was busy.'],
  no_answer: ['no_answer', 'no_answer', 'Nobody answered the call.'],
  failed: ['failed', 'carrier_error', 'The carrier could not connect the call.'],
};

/**
 * Plans a call from its number and agent alone. Being a pure function is what makes the simulator
 * crash-safe: after a restart the same plan comes out, so a call in flight is finished on its
 * original timeline instead of being dialled again.
 */
export function planCall(to: string, agent: AgentSnapshot): SimulatedCall {
  const outcome: SimulatedOutcome = MAGIC_NUMBERS[to as keyof typeof MAGIC_NUMBERS] ?? 'answered';
  if (outcome !== 'answered') {
    const [status, endedReason, text] = NOT_ANSWERED[outcome];
    const endAtMs = RING_MS[outcome];
    return {
      outcome,
      status,
      endedReason,
      answerAtMs: undefined,
      endAtMs,
      durationSeconds: 0,
      messages: [{ role: 'system', text, atMs: endAtMs }],
    };
  }

  const script: [role: 'agent' | 'user', text: string][] = [
    ['agent', agent.greeting],
    ['user', 'Hi, yes, speaking.'],
    [
      'agent',
      `Thank you. This is ${agent.name} from ${agent.businessName}; I will only take a minute.`,
    ],
    ['user', 'Sure, go ahead.'],
    ['agent', 'I am calling to confirm the details we have for you. Is everything still correct?'],
    ['user', 'Yes, that is all correct. Thanks for checking.'],
    ['agent', 'Perfect, thank you for your time. Have a great day. Goodbye!'],
  ];
  const answerAtMs = RING_MS.answered;
  let at = answerAtMs + 500;
  const messages: SimulatedCall['messages'] = [];
  for (const [role, text] of script) {
    messages.push({ role, text, atMs: at });
    at += speechMs(text) + PAUSE_MS;
  }
  messages.push({ role: 'system', text: 'The agent ended the call.', atMs: at });
  return {
    outcome,
    status: 'completed',
    endedReason: 'agent_hangup',
    answerAtMs,
    endAtMs: at,
    durationSeconds: Math.ceil((at - answerAtMs) / 1000),
    messages,
  };
}

/**
 * The sandbox carrier. Real clock times are the nominal ones multiplied by `timeScale`, counted
 * from when the call was dialled (`dialedAt`); `durationSeconds` stays nominal so billing is
 * the same at any scale.
 */
export function simulatorProvider(options: { timeScale: number }): TelephonyProvider {
  async function run(call: DialRequest, sink: CallSink, signal: AbortSignal): Promise<undefined> {
    const plan = planCall(call.to, call.agent);
    const dialedAt = Date.parse(call.dialedAt);
    const clock = (ms: number) => dialedAt + ms * options.timeScale;

    let answeredAt: Date | undefined;
    if (plan.answerAtMs !== undefined) {
      await sleepUntil(clock(plan.answerAtMs), signal);
      answeredAt = new Date(clock(plan.answerAtMs));
      if (!(await sink.answered(answeredAt))) return undefined;
    }
    await sleepUntil(clock(plan.endAtMs), signal);
    const outcome: CallOutcome = {
      status: plan.status,
      endedReason: plan.endedReason,
      endedAt: new Date(clock(plan.endAtMs)),
      answeredAt,
      durationSeconds: plan.durationSeconds,
      messages: plan.messages.map((m) => ({
        role: m.role,
        text: m.text,
        at: new Date(clock(m.atMs)),
      })),
    };
    await sink.ended(outcome);
    return undefined;
  }

  return {
    name: 'simulator',
    place: (call, sink, signal): Promise<Handoff | undefined> => run(call, sink, signal),
    // Deterministic: resuming replays the same timeline from the original dial time, applying at
    // once whatever already happened while no process was watching.
    resume: (call, sink, signal) => run(call, sink, signal),
    cancel: async () => {},
  };
}
