import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Something cached about a key, a user or a business is no longer true. */
export interface Invalidation {
  keyId?: string | null;
  userId?: string | null;
  businessId?: string | null;
}

export type InvalidationHandler = (invalidation: Invalidation) => void;

/**
 * Written in the same transaction as the change, so other processes learn of it: from the
 * table at their next poll and, on PostgreSQL, at once through NOTIFY (the table's trigger sends
 * it at commit, migration 0014).
 */
export async function recordInvalidation(
  db: Kysely<Database>,
  invalidation: Invalidation,
): Promise<void> {
  await db
    .insertInto('cache_invalidations')
    .values({
      key_id: invalidation.keyId ?? null,
      user_id: invalidation.userId ?? null,
      business_id: invalidation.businessId ?? null,
      created_at: new Date().toISOString(),
    })
    .execute();
}

const LOOKBACK_MS = 15_000;
const RETENTION_MS = 60 * 60_000;

/**
 * Fans invalidations out to the caches of this process: at once for changes made here, and by
 * polling the `cache_invalidations` table (about once a second) for changes made by other
 * processes, such as another server node or the `iqra` CLI. Rows are read over a time window
 * rather than by id because PostgreSQL sequences can commit out of order; the window reaches
 * back to the last poll that succeeded, so an outage longer than the lookback misses nothing.
 */
export class InvalidationFeed {
  private readonly handlers: InvalidationHandler[] = [];
  private readonly relays: InvalidationHandler[] = [];
  /** Rows already applied, with their `created_at`, until they fall out of the window. */
  private readonly applied = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private lastSuccess: number | undefined;
  private lastPrune = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { intervalMs: number; onError: (error: unknown) => void },
  ) {}

  subscribe(handler: InvalidationHandler): void {
    this.handlers.push(handler);
  }

  /** Also hands this process's own invalidations to `relay` (e.g. Redis, for other nodes). */
  relayTo(relay: InvalidationHandler): void {
    this.relays.push(relay);
  }

  /** An invalidation made by this process (after its transaction committed). */
  publish(invalidation: Invalidation): void {
    this.apply(invalidation);
    for (const relay of this.relays) relay(invalidation);
  }

  /**
   * An invalidation learnt from elsewhere: applied here, not passed on. Applying one twice
   * (the poll after a relay or NOTIFY) costs a cache miss, nothing more.
   */
  apply(invalidation: Invalidation): void {
    for (const handler of this.handlers) handler(invalidation);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Reads the table and applies what is new. Called while a read is running, it reads once more
   * after it (a catch-up asked for mid-read must see rows that read may have missed); the
   * promise settles when the reads are done. Never rejects: failures go to `onError`.
   */
  poll(now?: number): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      let at = now ?? Date.now();
      do {
        this.rerun = false;
        await this.pollOnce(at);
        at = Date.now();
      } while (this.rerun);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pollOnce(now: number): Promise<void> {
    // A row's created_at is its writer's clock before commit: the lookback covers transactions
    // (and clock skew) up to that long; before the first success, nothing is cached yet.
    const since = Math.max(
      now - RETENTION_MS,
      Math.min(now, this.lastSuccess ?? now) - LOOKBACK_MS,
    );
    try {
      const rows = await this.db
        .selectFrom('cache_invalidations')
        .selectAll()
        .where('created_at', '>', new Date(since).toISOString())
        .execute();
      for (const row of rows) {
        if (this.applied.has(row.id)) continue;
        this.applied.set(row.id, Date.parse(row.created_at));
        this.apply({ keyId: row.key_id, userId: row.user_id, businessId: row.business_id });
      }
      for (const [id, createdAt] of this.applied) {
        if (createdAt <= since) this.applied.delete(id);
      }
      this.lastSuccess = now;
      if (now - this.lastPrune > RETENTION_MS / 4) {
        this.lastPrune = now;
        await this.db
          .deleteFrom('cache_invalidations')
          .where('created_at', '<', new Date(now - RETENTION_MS).toISOString())
          .execute();
      }
    } catch (error) {
      this.options.onError(error);
    }
  }
}
