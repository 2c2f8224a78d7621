/**
 * Runs `tick` every `intervalMs` and whenever `wake()` asks, never two at once: a wake during a
 * tick runs exactly one more after it. The loop of every background worker (call dispatch,
 * webhook delivery); `stop()` waits for the tick under way.
 *
 * With `minGapMs`, wakes are coalesced: a tick starts at least that long after the previous one
 * ended. A burst of wakes (every accepted call wakes the dispatcher) then costs one tick per gap
 * instead of one per wake, while a wake after a quiet spell still runs at once.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private delayed: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastEnd = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly minGapMs = 0,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.intervalMs);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    // Already due: this wake is folded into the tick that is waiting out the gap.
    if (this.delayed) return;
    const wait = this.lastEnd + this.minGapMs - Date.now();
    if (wait > 0) {
      this.delayed = setTimeout(() => {
        this.delayed = undefined;
        this.run();
      }, wait);
      this.delayed.unref();
      return;
    }
    this.run();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.delayed);
    this.delayed = undefined;
    await this.ticking;
  }

  private run(): void {
    if (this.stopped) return;
    this.ticking = this.tick().finally(() => {
      this.ticking = undefined;
      this.lastEnd = Date.now();
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }
}
