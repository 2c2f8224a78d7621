import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { Ticker } from '../background/ticker.js';
import type { Engine } from '../db/connect.js';
import type { Database, ProviderName } from '../db/schema.js';
import { type Handoff, ProviderError, type TelephonyProvider } from '../telephony/provider.js';
import {
  claimQueuedCalls,
  claimStalledCalls,
  releaseCalls,
  renewLeases,
  takeOverLeases,
} from './claim.js';
import type { CallLifecycle } from './lifecycle.js';
import { type CallRow, toDialRequest } from './views.js';

export interface DispatcherOptions {
  db: Kysely<Database>;
  engine: Engine;
  lifecycle: Pick<CallLifecycle, 'markDialing' | 'finish' | 'sinkFor'>;
  providers: Record<ProviderName, TelephonyProvider>;
  perBusiness: number;
  leaseMs: number;
  pollMs: number;
  /** A call still not final this long after it was accepted is given up as failed. */
  maxCallAgeMs?: number;
  /** Runs now and then (purging expired idempotency keys, …). */
  maintenance?: () => Promise<void>;
  onError: (error: unknown, context: string) => void;
}

const MAINTENANCE_EVERY_MS = 10 * 60_000;

/**
 * Durable dispatch. Calls are accepted into the database (status `queued`); this worker claims
 * them with a lease it keeps renewing, records the intent to dial (status `ringing`) before
 * asking the provider, and holds each call until the provider is done with it. A worker that
 * dies stops renewing: its dialled calls are resumed (never re-dialled) and its undialled ones
 * claimed again by whichever worker comes next. On SQLite the one worker takes over at start.
 */
export class CallDispatcher {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly held = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();
  private readonly ticker: Ticker;
  private lastRenewal = 0;
  private lastMaintenance = 0;

  constructor(private readonly o: DispatcherOptions) {
    this.ticker = new Ticker(() => this.tick(), o.pollMs);
  }

  private get stopped(): boolean {
    return this.ticker.isStopped;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    if (this.o.engine === 'sqlite') await takeOverLeases(this.o.db, this.workerId);
    this.ticker.start();
  }

  /** Looks for work now (after a call was accepted) instead of at the next poll. */
  wake(): void {
    this.ticker.wake();
  }

  /** Stops claiming, lets go of every call it holds (due at once for another worker), waits. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.ticker.stop();
    const ids = [...this.held.keys()];
    for (const controller of this.held.values()) controller.abort(new Error('dispatcher stopped'));
    await Promise.allSettled(this.running);
    await releaseCalls(this.o.db, this.workerId, ids, null).catch((e) =>
      this.o.onError(e, 'release calls'),
    );
  }

  /** Calls this process is driving right now. */
  get activeCalls(): number {
    return this.held.size;
  }

  private async tick(): Promise<void> {
    try {
      const now = Date.now();
      if (now - this.lastRenewal >= this.o.leaseMs / 3) {
        this.lastRenewal = now;
        await this.renew(now);
      }
      const base = {
        engine: this.o.engine,
        workerId: this.workerId,
        now: new Date(now).toISOString(),
        leaseUntil: new Date(now + this.o.leaseMs).toISOString(),
      };
      for (const call of await claimStalledCalls(this.o.db, { ...base, limit: 50 })) {
        this.drive(call, 'resume');
      }
      const queued = await claimQueuedCalls(this.o.db, {
        ...base,
        perBusiness: this.o.perBusiness,
        businesses: 100,
      });
      for (const call of queued) this.drive(call, 'place');
      if (this.o.maintenance && now - this.lastMaintenance >= MAINTENANCE_EVERY_MS) {
        this.lastMaintenance = now;
        await this.o.maintenance();
      }
    } catch (error) {
      if (!this.stopped) this.o.onError(error, 'dispatch');
    }
  }

  /** Keeps the leases of held calls; a call lost meanwhile (canceled, ended) is let go. */
  private async renew(now: number): Promise<void> {
    const ids = [...this.held.keys()];
    const kept = await renewLeases(
      this.o.db,
      this.workerId,
      ids,
      new Date(now + this.o.leaseMs).toISOString(),
    );
    for (const id of ids) {
      if (!kept.has(id)) this.held.get(id)?.abort(new Error('lease lost'));
    }
  }

  private drive(call: CallRow, mode: 'place' | 'resume'): void {
    if (this.held.has(call.id)) return;
    const controller = new AbortController();
    this.held.set(call.id, controller);
    const run = this.run(call, mode, controller.signal)
      .catch((error) => this.o.onError(error, `call ${call.id}`))
      .finally(() => {
        this.held.delete(call.id);
        this.running.delete(run);
        // A slot of the business's concurrency limit may have freed up.
        this.wake();
      });
    this.running.add(run);
  }

  private async run(call: CallRow, mode: 'place' | 'resume', signal: AbortSignal): Promise<void> {
    const handoff =
      mode === 'place' ? await this.place(call, signal) : await this.resume(call, signal);
    if (handoff && !signal.aborted) {
      const until = new Date(Date.now() + handoff.recheckInMs).toISOString();
      await releaseCalls(this.o.db, this.workerId, [call.id], until);
    }
  }

  private async place(call: CallRow, signal: AbortSignal): Promise<Handoff | undefined> {
    // The intent to dial is committed before the provider hears of the call: from here on, a
    // restart resumes this call and never places it again.
    const dialing = await this.o.lifecycle.markDialing(call.id, this.workerId);
    if (!dialing) {
      // Canceled meanwhile, or the lease went to another worker.
      await releaseCalls(this.o.db, this.workerId, [call.id], null);
      return undefined;
    }
    try {
      return await this.o.providers[call.provider].place(
        toDialRequest(dialing),
        this.o.lifecycle.sinkFor(call.id),
        signal,
      );
    } catch (error) {
      if (signal.aborted) return undefined;
      this.o.onError(error, `place call ${call.id}`);
      await this.giveUp(call, 'provider_error');
      return undefined;
    }
  }

  private async resume(call: CallRow, signal: AbortSignal): Promise<Handoff | undefined> {
    if (this.tooOld(call)) {
      await this.giveUp(call, 'provider_unreachable');
      return undefined;
    }
    try {
      return await this.o.providers[call.provider].resume(
        toDialRequest(call),
        this.o.lifecycle.sinkFor(call.id),
        signal,
      );
    } catch (error) {
      if (signal.aborted) return undefined;
      if (error instanceof ProviderError) {
        this.o.onError(error, `resume call ${call.id}`);
        await this.giveUp(call, 'provider_error');
        return undefined;
      }
      // The provider could not be asked (network, outage): ask again when the lease runs out.
      this.o.onError(error, `resume call ${call.id}`);
      return { recheckInMs: this.o.leaseMs };
    }
  }

  private tooOld(call: CallRow): boolean {
    const age = Date.now() - Date.parse(call.created_at);
    return age > (this.o.maxCallAgeMs ?? 6 * 60 * 60_000);
  }

  private async giveUp(call: CallRow, reason: string): Promise<void> {
    const at = new Date();
    await this.o.lifecycle.finish(call.id, {
      status: 'failed',
      endedReason: reason,
      endedAt: at,
      durationSeconds: 0,
      messages: [{ role: 'system', text: 'The call could not be completed.', at }],
    });
  }
}
