import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { Ticker } from '../background/ticker.js';
import type { Engine } from '../db/connect.js';
import type { Database, ProviderName } from '../db/schema.js';
import { type Handoff, ProviderError, type TelephonyProvider } from '../telephony/provider.js';
import { type Claimed, claimQueuedCalls, claimStalledCalls, countQueued } from './claim.js';
import { releaseCalls, renewLeases, takeOverLeases } from './leases.js';
import type { CallLifecycle } from './lifecycle.js';
import { type CallRow, toDialRequest } from './views.js';

export interface DispatcherOptions {
  db: Kysely<Database>;
  engine: Engine;
  lifecycle: Pick<CallLifecycle, 'markDialing' | 'finish' | 'sinkFor'>;
  providers: Record<ProviderName, TelephonyProvider>;
  perBusiness: number;
  /** How long a claim lasts unrenewed; the heartbeat renews it every third of that. */
  leaseMs: number;
  pollMs: number;
  /** Shortest pause between two rounds however often it is woken (default 20 ms). */
  wakeGapMs?: number;
  /** A call still not final this long after it was accepted is given up as failed. */
  maxCallAgeMs?: number;
  /** Runs now and then (purging expired idempotency keys, …). */
  maintenance?: () => Promise<void>;
  onError: (error: unknown, context: string) => void;
}

/** Counters since start, for metrics. */
export interface DispatcherStats {
  /** Rounds run (claims of stalled and queued calls). */
  ticks: number;
  /** Queued calls claimed to be dialled. */
  placed: number;
  /** Dialled calls claimed to be resumed (after a restart, a takeover, a Twilio recheck). */
  resumed: number;
  /** Calls claimed from another worker that held them until its lease ran out (it died). */
  takeovers: number;
  /** Calls this worker was driving when another took them over (its lease ran out unrenewed). */
  leasesLost: number;
  /** Calls this process is driving now. */
  active: number;
}

const MAINTENANCE_EVERY_MS = 10 * 60_000;
const STALLED_PER_ROUND = 50;
const BUSINESSES_PER_ROUND = 100;

interface Held {
  controller: AbortController;
  /** When the lease this worker last wrote runs out (epoch ms). */
  until: number;
}

/**
 * Durable dispatch. Calls are accepted into the database (status `queued`); this worker claims
 * them with a lease that a heartbeat keeps renewing, records the intent to dial (status
 * `ringing`) before asking the provider, and holds each call until the provider is done with it.
 * A worker that dies stops renewing: within one lease its dialled calls are resumed (never
 * re-dialled) and its undialled ones claimed again by whichever worker comes next. On SQLite the
 * one worker takes over at start.
 */
export class CallDispatcher {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly held = new Map<string, Held>();
  private readonly running = new Set<Promise<void>>();
  private readonly ticker: Ticker;
  private heartbeat: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private lastMaintenance = 0;
  private readonly counts = { ticks: 0, placed: 0, resumed: 0, takeovers: 0, leasesLost: 0 };

  constructor(private readonly o: DispatcherOptions) {
    this.ticker = new Ticker(() => this.tick(), o.pollMs, o.wakeGapMs ?? 20);
  }

  private get stopped(): boolean {
    return this.ticker.isStopped;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    if (this.o.engine === 'sqlite') await takeOverLeases(this.o.db, this.workerId);
    // Its own timer, not the round's: however long rounds take under load, leases are renewed.
    this.heartbeat = setInterval(() => this.beat(), Math.max(10, this.o.leaseMs / 3));
    this.heartbeat.unref();
    this.ticker.start();
  }

  /** Looks for work soon (after a call was accepted); a burst of wakes runs one round. */
  wake(): void {
    this.ticker.wake();
  }

  /** Stops claiming, lets go of every call it holds (due at once for another worker), waits. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.ticker.stop();
    clearInterval(this.heartbeat);
    await this.renewing;
    const ids = [...this.held.keys()];
    for (const { controller } of this.held.values()) {
      controller.abort(new Error('dispatcher stopped'));
    }
    await Promise.allSettled(this.running);
    await releaseCalls(this.o.db, this.workerId, ids, null).catch((e) =>
      this.o.onError(e, 'release calls'),
    );
  }

  /** Calls this process is driving right now. */
  get activeCalls(): number {
    return this.held.size;
  }

  get stats(): DispatcherStats {
    return { ...this.counts, active: this.held.size };
  }

  /** Calls waiting to be dialled, across every business (one index range count). */
  queueDepth(): Promise<number> {
    return countQueued(this.o.db);
  }

  private async tick(): Promise<void> {
    this.counts.ticks++;
    try {
      const now = Date.now();
      const until = now + this.o.leaseMs;
      const base = {
        engine: this.o.engine,
        workerId: this.workerId,
        now: new Date(now).toISOString(),
        leaseUntil: new Date(until).toISOString(),
      };
      const stalled = await claimStalledCalls(this.o.db, { ...base, limit: STALLED_PER_ROUND });
      this.take(stalled, until, 'resume');
      const queued = await claimQueuedCalls(this.o.db, {
        ...base,
        perBusiness: this.o.perBusiness,
        businesses: BUSINESSES_PER_ROUND,
      });
      this.take(queued, until, 'place');
      if (this.o.maintenance && now - this.lastMaintenance >= MAINTENANCE_EVERY_MS) {
        this.lastMaintenance = now;
        await this.o.maintenance();
      }
    } catch (error) {
      if (!this.stopped) this.o.onError(error, 'dispatch');
    }
  }

  private take(claimed: Claimed, until: number, mode: 'place' | 'resume'): void {
    this.counts.takeovers += claimed.takeovers;
    for (const call of claimed.calls) this.drive(call, mode, until);
  }

  private beat(): void {
    // One renewal at a time: a slow database must not pile them up.
    if (this.renewing || this.held.size === 0) return;
    this.renewing = this.renew().finally(() => {
      this.renewing = undefined;
    });
  }

  /**
   * Renews every held call's lease in one statement. A call lost meanwhile is let go: canceled
   * or ended elsewhere, or taken over by another worker. A lease that could not be renewed before
   * it ran out may be another worker's by now, so its call is let go too: a worker that lost its
   * database stops driving calls it can no longer prove it holds.
   */
  private async renew(): Promise<void> {
    const ids = [...this.held.keys()];
    const until = Date.now() + this.o.leaseMs;
    try {
      const { kept, lost } = await renewLeases(
        this.o.db,
        this.workerId,
        ids,
        new Date(until).toISOString(),
      );
      for (const id of ids) {
        const held = this.held.get(id);
        if (!held) continue;
        if (kept.has(id)) held.until = until;
        else this.letGo(held, lost.has(id) ? 'lease lost' : 'call ended elsewhere');
      }
    } catch (error) {
      this.o.onError(error, 'renew leases');
    }
    const now = Date.now();
    for (const held of this.held.values()) {
      if (held.until <= now) this.letGo(held, 'lease lost');
    }
  }

  private letGo(held: Held, reason: 'lease lost' | 'call ended elsewhere'): void {
    if (held.controller.signal.aborted) return;
    if (reason === 'lease lost') this.counts.leasesLost++;
    held.controller.abort(new Error(reason));
  }

  private drive(call: CallRow, mode: 'place' | 'resume', until: number): void {
    const already = this.held.get(call.id);
    if (already) {
      // Claimed again by this worker after its lease lapsed: the new lease is as good.
      already.until = until;
      return;
    }
    this.counts[mode === 'place' ? 'placed' : 'resumed']++;
    const controller = new AbortController();
    this.held.set(call.id, { controller, until });
    const run = this.run(call, mode, controller.signal)
      .catch((error) => this.o.onError(error, `call ${call.id}`))
      .finally(() => {
        // Unless a handed-off call was claimed again meanwhile: that entry is a new drive's.
        if (this.held.get(call.id)?.controller === controller) this.held.delete(call.id);
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
      // Out of the heartbeat's list first, and past a renewal already under way, so no renewal
      // lands after the release and pushes the recheck back.
      this.held.delete(call.id);
      await this.renewing;
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
