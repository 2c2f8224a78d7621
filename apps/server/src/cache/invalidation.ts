import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Something cached about a key, a user or a business is no longer true. */
export interface Invalidation {
  keyId?: string | null;
  userId?: string | null;
  businessId?: string | null;
}

export type InvalidationHandler = (invalidation: Invalidation) => void;

/** Written in the same transaction as the change, so other processes learn of it. */
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
 * rather than by id because PostgreSQL sequences can commit out of order.
 */
export class InvalidationFeed {
  private readonly handlers: InvalidationHandler[] = [];
  private readonly applied = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private lastPrune = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { intervalMs: number; onError: (error: unknown) => void },
  ) {}

  private readonly relays: InvalidationHandler[] = [];

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

  /** An invalidation learnt from elsewhere: applied here, not passed on. */
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

  async poll(now = Date.now()): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const rows = await this.db
        .selectFrom('cache_invalidations')
        .selectAll()
        .where('created_at', '>', new Date(now - LOOKBACK_MS).toISOString())
        .execute();
      for (const row of rows) {
        if (this.applied.has(row.id)) continue;
        this.applied.set(row.id, now);
        this.apply({ keyId: row.key_id, userId: row.user_id, businessId: row.business_id });
      }
      for (const [id, at] of this.applied) {
        if (at < now - 2 * LOOKBACK_MS) this.applied.delete(id);
      }
      if (now - this.lastPrune > RETENTION_MS / 4) {
        this.lastPrune = now;
        await this.db
          .deleteFrom('cache_invalidations')
          .where('created_at', '<', new Date(now - RETENTION_MS).toISOString())
          .execute();
      }
    } catch (error) {
      this.options.onError(error);
    } finally {
      this.polling = false;
    }
  }
}
