import { MAX_PENDING, writeInChunks } from './chunked-flush.js';

/**
 * Remembers when each key was last used and writes it in batches, so verifying a key never
 * writes to the database. Reads merge the pending value in, so answers are not stale. A flush is
 * one statement per chunk of `chunkSize` keys, yielding between chunks, so 10,000 distinct keys
 * never stall requests (one UPDATE per key used to block SQLite's loop for most of a second).
 */
export class LastUsedRecorder {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private flushingEarly = false;

  constructor(
    private readonly write: (uses: [keyId: string, at: string][]) => Promise<void>,
    private readonly options: {
      intervalMs: number;
      onError: (error: unknown) => void;
      /** Keys per statement (default 500). */
      chunkSize?: number;
      /** Keys waiting at most; reaching it starts a flush (default 100,000). */
      maxPending?: number;
    },
  ) {}

  touch(keyId: string, at = Date.now()): void {
    this.pending.set(keyId, at);
    // Bounded between flushes too: a flood of distinct keys flushes early instead of growing.
    if (!this.flushingEarly && this.pending.size >= (this.options.maxPending ?? MAX_PENDING)) {
      this.flushingEarly = true;
      void this.flush().finally(() => {
        this.flushingEarly = false;
      });
    }
  }

  /** The newest of the stored time and a use not yet written. */
  merge(keyId: string, stored: string | null): string | null {
    const pending = this.pending.get(keyId);
    if (pending === undefined) return stored;
    const iso = new Date(pending).toISOString();
    return stored && stored > iso ? stored : iso;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      const { unwritten, error } = await writeInChunks(
        batch,
        this.options.chunkSize ?? 500,
        (chunk) => this.write(chunk.map(([id, at]) => [id, new Date(at).toISOString()])),
      );
      if (unwritten.length === 0) return;
      // Keep the uses for the next flush unless newer ones arrived meanwhile.
      for (const [id, at] of unwritten) {
        if (!this.pending.has(id)) this.pending.set(id, at);
      }
      this.options.onError(error);
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
