/**
 * Remembers when each key was last used and writes it in batches, so verifying a key never
 * writes to the database. Reads merge the pending value in, so answers are not stale.
 */
export class LastUsedRecorder {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (uses: Map<string, string>) => Promise<void>,
    private readonly options: { intervalMs: number; onError: (error: unknown) => void },
  ) {}

  touch(keyId: string, at = Date.now()): void {
    this.pending.set(keyId, at);
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
      const uses = new Map([...batch].map(([id, at]) => [id, new Date(at).toISOString()]));
      try {
        await this.write(uses);
      } catch (error) {
        // Keep the uses for the next flush unless newer ones arrived meanwhile.
        for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
        this.options.onError(error);
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
