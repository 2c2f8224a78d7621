/**
 * Rows per statement when a background batch is written. SQLite runs on the event loop's own
 * thread, so its chunks stay small (a few milliseconds each) and the loop is let go between
 * them; PostgreSQL runs the statement elsewhere, but building and sending its parameters is
 * still JavaScript on this loop, so its chunks are larger yet bounded too.
 */
export const FLUSH_CHUNK_ROWS = { sqlite: 500, postgres: 2000 } as const;

/** What a recorder keeps between flushes at most before it flushes early. */
export const MAX_PENDING = 100_000;

/** Resolves after pending I/O has run: requests waiting behind a flush are served first. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Writes `items` in chunks of `size`, one `write` (one statement) each, yielding to the event
 * loop between chunks so no flush holds the loop for longer than one chunk. Items are taken from
 * the iterable a chunk at a time, so whatever a chunk costs to prepare is paid per chunk too.
 * Never throws: on a failed write it stops and returns the items not written (that chunk and the
 * rest) with the error, for the caller to keep for its next flush.
 */
export async function writeInChunks<T>(
  items: Iterable<T>,
  size: number,
  write: (chunk: T[]) => Promise<void>,
): Promise<{ unwritten: T[]; error?: unknown }> {
  const source = items[Symbol.iterator]();
  for (let first = true; ; first = false) {
    const chunk: T[] = [];
    for (let next = source.next(); !next.done; next = source.next()) {
      chunk.push(next.value);
      if (chunk.length === size) break;
    }
    if (chunk.length === 0) return { unwritten: [] };
    if (!first) await yieldToEventLoop();
    try {
      await write(chunk);
    } catch (error) {
      const unwritten = chunk;
      for (let next = source.next(); !next.done; next = source.next()) unwritten.push(next.value);
      return { unwritten, error };
    }
  }
}
