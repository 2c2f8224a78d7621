/**
 * Lookups asked for within one event-loop turn, answered together: one query for a crowd of
 * cache misses instead of one each, and one for several requests missing on the same key. A
 * lookup waits at most for the end of the turn it was asked in.
 */
export class BatchedLookup<K, V> {
  private pending:
    | Map<K, { resolve: (value: V | undefined) => void; reject: (e: unknown) => void }[]>
    | undefined;

  constructor(
    /** The values found for `keys` (a key not in the answer was not found). */
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    /** Keys per query at most (engines bound the parameters of one statement). */
    private readonly maxBatch = 500,
  ) {}

  get(key: K): Promise<V | undefined> {
    let pending = this.pending;
    if (pending === undefined) {
      const batch = new Map<
        K,
        { resolve: (value: V | undefined) => void; reject: (e: unknown) => void }[]
      >();
      pending = batch;
      this.pending = batch;
      setImmediate(() => {
        this.pending = undefined;
        void this.run(batch);
      });
    }
    const waiting = pending.get(key) ?? [];
    pending.set(key, waiting);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  private async run(
    batch: Map<K, { resolve: (value: V | undefined) => void; reject: (e: unknown) => void }[]>,
  ): Promise<void> {
    const keys = [...batch.keys()];
    const chunks: K[][] = [];
    for (let i = 0; i < keys.length; i += this.maxBatch)
      chunks.push(keys.slice(i, i + this.maxBatch));
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const found = await this.fetch(chunk);
          for (const key of chunk) for (const w of batch.get(key) ?? []) w.resolve(found.get(key));
        } catch (error) {
          for (const key of chunk) for (const w of batch.get(key) ?? []) w.reject(error);
        }
      }),
    );
  }
}
