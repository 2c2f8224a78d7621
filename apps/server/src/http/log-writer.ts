import { writeSync } from 'node:fs';

/** Written at once past this many characters; otherwise at the end of the event-loop turn. */
const MAX_BUFFERED = 64 * 1024;
/** How long to wait before trying again when the reader of a full pipe is behind. */
const BUSY_RETRY_MS = 2;

/**
 * Log lines to a file descriptor, written once per event-loop turn: every line of the turn goes
 * out in one `write(2)`. pino's default destination makes a system call per line (and its
 * asynchronous mode more JavaScript per line than that saves); a busy server writes a line per
 * request, so this measured about a tenth of the CPU per line (bench/logging.mjs). Lines are in
 * memory for at most one turn: `flushSync` (run on exit) writes what is left. A reader that
 * stops reading blocks the writer, as it would block pino's synchronous destination.
 */
export class LineWriter {
  private buffer = '';
  private scheduled = false;
  private closed = false;

  constructor(private readonly fd: number) {}

  write(line: string): boolean {
    if (this.closed) return true;
    this.buffer += line;
    if (this.buffer.length >= MAX_BUFFERED) this.flushSync();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flushSync();
      });
    }
    return true;
  }

  flushSync(): void {
    if (this.buffer === '' || this.closed) return;
    const data = Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          sleep(BUSY_RETRY_MS);
          continue;
        }
        // Nobody reads our output any more (EPIPE) or it cannot be written: stop logging
        // rather than fail requests.
        this.closed = true;
        return;
      }
    }
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

let stdout: LineWriter | undefined;

/** The one writer of standard output, flushed when the process exits. */
export function stdoutLines(): LineWriter {
  if (stdout === undefined) {
    const writer = new LineWriter(1);
    process.on('exit', () => writer.flushSync());
    stdout = writer;
  }
  return stdout;
}
