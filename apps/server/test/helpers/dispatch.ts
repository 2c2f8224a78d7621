import type { CallStatus, Db, ProviderName } from '../../src/db/schema.js';
import { newId } from '../../src/ids.js';
import type {
  CallSink,
  DialRequest,
  Handoff,
  TelephonyProvider,
} from '../../src/telephony/provider.js';

/**
 * Direct-to-the-database fixtures for dispatcher tests: thousands of calls without thousands of
 * requests, and a carrier that counts what it was asked to do.
 */

export async function seedBusiness(db: Db, name = 'Dispatch Clinic'): Promise<string> {
  const at = new Date().toISOString();
  const userId = newId('usr');
  const businessId = newId('biz');
  await db
    .insertInto('users')
    .values({
      id: userId,
      email: `${userId}@example.com`,
      name: 'Owner',
      password_hash: null,
      disabled: 0,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('businesses')
    .values({
      id: businessId,
      owner_id: userId,
      name,
      default_language: 'en',
      timezone: 'UTC',
      disabled: 0,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return businessId;
}

const AGENT = JSON.stringify({
  name: 'Front desk',
  language: 'en',
  voice: 'alloy',
  greeting: 'Hello, this is Dispatch Clinic.',
  instructions: 'Confirm the appointment.',
  businessName: 'Dispatch Clinic',
});

export interface SeedOptions {
  status?: CallStatus;
  to?: string;
  provider?: ProviderName;
  claimedBy?: string | null;
  leaseUntil?: string | null;
  dialedAt?: string | null;
}

/** Inserts `count` calls of one business in chunks; returns their ids, oldest first. */
export async function seedCalls(
  db: Db,
  businessId: string,
  count: number,
  o: SeedOptions = {},
): Promise<string[]> {
  const status = o.status ?? 'queued';
  const final = !['queued', 'ringing', 'in_progress'].includes(status);
  const at = new Date().toISOString();
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const id = newId('call');
      ids.push(id);
      rows.push({
        id,
        business_id: businessId,
        agent_id: 'agt_seed',
        conversation_id: newId('conv'),
        direction: 'outbound' as const,
        to_number: o.to ?? '+15005550006',
        from_number: '+15005550006',
        status,
        ended_reason: final ? 'agent_hangup' : null,
        variables: '{}',
        metadata: '{}',
        agent_snapshot: AGENT,
        provider: o.provider ?? ('simulator' as const),
        provider_call_id: null,
        dial_attempts: status === 'queued' ? 0 : 1,
        claimed_by: o.claimedBy ?? null,
        lease_until: o.leaseUntil ?? null,
        created_at: at,
        updated_at: at,
        dialed_at: o.dialedAt ?? (status === 'queued' ? null : at),
        answered_at: null,
        ended_at: final ? at : null,
        duration_seconds: 0,
      });
    }
    await db.insertInto('calls').values(rows).execute();
    // Each call's conversation, which the lifecycle updates and appends the transcript to.
    await db
      .insertInto('conversations')
      .values(
        rows.map((r) => ({
          id: r.conversation_id,
          business_id: businessId,
          call_id: r.id,
          agent_id: r.agent_id,
          direction: 'outbound' as const,
          status,
          started_at: at,
          answered_at: null,
          ended_at: r.ended_at,
          duration_seconds: 0,
          ended_reason: r.ended_reason,
          updated_at: at,
        })),
      )
      .execute();
  }
  return ids;
}

export interface CountingProvider extends TelephonyProvider {
  placed: string[];
  resumed: string[];
  /** Calls whose driver saw its signal abort (lease lost, or the dispatcher stopped). */
  aborted: string[];
  /** Ends every call being driven now, and every later one at once. */
  endAll(): void;
}

/**
 * A carrier that rings until told to end (`endAll`), counting every place and resume. What a
 * call needs for "never dialled twice" to be checked: `placed` holds one entry per dial.
 */
export function countingProvider(name: ProviderName = 'simulator'): CountingProvider {
  const waiting = new Set<() => void>();
  let ending = false;
  const drive = async (
    call: DialRequest,
    sink: CallSink,
    signal: AbortSignal,
  ): Promise<Handoff | undefined> => {
    if (!ending) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          waiting.delete(done);
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          waiting.delete(done);
          provider.aborted.push(call.callId);
          reject(signal.reason);
        };
        if (signal.aborted) return onAbort();
        waiting.add(done);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    const at = new Date();
    await sink.ended({
      status: 'completed',
      endedReason: 'agent_hangup',
      endedAt: at,
      answeredAt: at,
      durationSeconds: 1,
      messages: [{ role: 'system', text: 'The agent ended the call.', at }],
    });
    return undefined;
  };
  const provider: CountingProvider = {
    name,
    placed: [],
    resumed: [],
    aborted: [],
    place: (call, sink, signal) => {
      provider.placed.push(call.callId);
      return drive(call, sink, signal);
    },
    resume: (call, sink, signal) => {
      provider.resumed.push(call.callId);
      return drive(call, sink, signal);
    },
    cancel: async () => {},
    endAll: () => {
      ending = true;
      for (const done of [...waiting]) done();
    },
  };
  return provider;
}
