import { MAX_PENDING, writeInChunks } from './chunked-flush.js';

const DAY_MS = 86_400_000;

/** One key's counts for one UTC day. */
export interface UsageDelta {
  keyId: string;
  date: string;
  requests: number;
  rejected: number;
  unauthorized: number;
}

/**
 * Per-key request counts, kept in memory and written in one additive batch per flush, so a
 * request never writes to the database and several nodes' flushes sum (API.md §5). A flush is one
 * statement per chunk of `chunkSize` rows, yielding between chunks: one statement for 10,000
 * keys would exceed the engines' bind-parameter limits and block SQLite's loop.
 */
export class KeyUsageCounter {
  /** Counts not yet written, by UTC date then key: no string is made per request. */
  private pending = new Map<string, Map<string, UsageDelta>>();
  private size = 0;
  private day = '';
  private dayEndsAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private flushingEarly = false;

  constructor(
    private readonly write: (deltas: UsageDelta[]) => Promise<void>,
    private readonly options: {
      intervalMs: number;
      onError: (error: unknown) => void;
      now?: () => number;
      /** Rows per statement (default 500). */
      chunkSize?: number;
      /** Rows waiting at most; reaching it starts a flush (default 100,000). */
      maxPending?: number;
    },
  ) {}

  count(keyId: string, outcome: { rejected: boolean; unauthorized: boolean }): void {
    const date = this.today();
    let day = this.pending.get(date);
    if (day === undefined) {
      day = new Map();
      this.pending.set(date, day);
    }
    let delta = day.get(keyId);
    if (!delta) {
      delta = { keyId, date, requests: 0, rejected: 0, unauthorized: 0 };
      day.set(keyId, delta);
      this.size++;
    }
    delta.requests++;
    if (outcome.rejected) delta.rejected++;
    if (outcome.unauthorized) delta.unauthorized++;
    // Bounded between flushes too: a flood of distinct keys flushes early instead of growing.
    if (!this.flushingEarly && this.size >= (this.options.maxPending ?? MAX_PENDING)) {
      this.flushingEarly = true;
      void this.flush().finally(() => {
        this.flushingEarly = false;
      });
    }
  }

  /** The UTC date, formatted once per day rather than once per request. */
  private today(): string {
    const now = (this.options.now ?? Date.now)();
    if (now >= this.dayEndsAt || now < this.dayEndsAt - DAY_MS) {
      this.dayEndsAt = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
      this.day = new Date(now).toISOString().slice(0, 10);
    }
    return this.day;
  }

  /** Counts not yet written, for answers that should not look stale. */
  pendingFor(keyId: string): UsageDelta[] {
    const deltas: UsageDelta[] = [];
    for (const day of this.pending.values()) {
      const delta = day.get(keyId);
      if (delta) deltas.push(delta);
    }
    return deltas;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      this.size = 0;
      const { unwritten, error } = await writeInChunks(
        deltasOf(batch),
        this.options.chunkSize ?? 500,
        (c) => this.write(c),
      );
      if (unwritten.length > 0) {
        // A chunk is one statement, so nothing of it was added: count it again next flush.
        for (const d of unwritten) this.putBack(d);
        this.options.onError(error);
      }
    });
    return this.flushing;
  }

  private putBack(d: UsageDelta): void {
    let day = this.pending.get(d.date);
    if (day === undefined) {
      day = new Map();
      this.pending.set(d.date, day);
    }
    const now = day.get(d.keyId);
    if (now === undefined) this.size++;
    day.set(
      d.keyId,
      now
        ? {
            ...d,
            requests: d.requests + now.requests,
            rejected: d.rejected + now.rejected,
            unauthorized: d.unauthorized + now.unauthorized,
          }
        : d,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

function* deltasOf(days: Map<string, Map<string, UsageDelta>>): Generator<UsageDelta> {
  for (const day of days.values()) yield* day.values();
}
