import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
}

/** A value now, or later when the counters live elsewhere (Redis). */
export type MaybePromise<T> = T | Promise<T>;

/** One key's window as its counters report it: points spent in it, and time left. */
export interface WindowState {
  spent: number;
  msLeft: number;
}

/** The counters of one budget: fixed windows per key. */
export interface Counters {
  /** Spends one point and reports the window after it (spending goes on past the budget). */
  spend(key: string): MaybePromise<WindowState>;
  /** The window without spending; undefined when the key has none open. */
  peek(key: string): MaybePromise<WindowState | undefined>;
  /** Gives one point back. */
  refund(key: string): MaybePromise<void>;
  clear(key: string): MaybePromise<void>;
}

/** Where the counters live: this process, or Redis shared by every node. */
export interface CounterStore {
  create(options: { prefix: string; points: number; durationSeconds: number }): Counters;
}

/** Windows a memory store keeps per budget at most, unless configured (RATE_LIMIT_MAX_KEYS). */
export const DEFAULT_MAX_WINDOWS = 500_000;

/** At most this many expired windows are dropped per new window: bounded work per request. */
const SWEEP_PER_INSERT = 64;

interface Window {
  spent: number;
  endsAt: number;
}

/**
 * Fixed windows in this process, with no timer at all. A key's window starts at its first point
 * and lasts `durationMs`. A window that ends is deleted and a new one inserted, so the Map's
 * insertion order is the order in which windows end: every new window first drops the expired
 * ones at the front (a few at a time), which keeps the Map to the keys seen within one window.
 * Past `maxWindows` the oldest window is dropped, so a flood of distinct keys (addresses) cannot
 * grow memory without bound. About 150 bytes per key (its string, the entry, the window).
 */
export class MemoryCounters implements Counters {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly durationMs: number,
    private readonly maxWindows = DEFAULT_MAX_WINDOWS,
    // Read on each call (a test's clock reaches it), and the wall clock, as Redis windows are.
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.windows.size;
  }

  spend(key: string): WindowState {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      if (window !== undefined) this.windows.delete(key);
      this.sweep(now);
      window = { spent: 0, endsAt: now + this.durationMs };
      this.windows.set(key, window);
    }
    window.spent++;
    return { spent: window.spent, msLeft: window.endsAt - now };
  }

  peek(key: string): WindowState | undefined {
    const now = this.now();
    const window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) return undefined;
    return { spent: window.spent, msLeft: window.endsAt - now };
  }

  refund(key: string): void {
    const window = this.windows.get(key);
    if (window !== undefined && window.spent > 0) window.spent--;
  }

  clear(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    let dropped = 0;
    for (const [key, window] of this.windows) {
      const full = this.windows.size >= this.maxWindows;
      if (!full && (window.endsAt > now || dropped >= SWEEP_PER_INSERT)) return;
      this.windows.delete(key);
      dropped++;
    }
  }
}

export function memoryCounters(maxWindows = DEFAULT_MAX_WINDOWS): CounterStore {
  return {
    create: ({ durationSeconds }) => new MemoryCounters(durationSeconds * 1000, maxWindows),
  };
}

/**
 * Shared counters in Redis; while Redis is unreachable, each node falls back to its own memory
 * counters (the budget is then per node, as without Redis).
 */
export function redisCounters(client: Redis, maxWindows = DEFAULT_MAX_WINDOWS): CounterStore {
  return {
    create: ({ prefix, points, durationSeconds }) =>
      new RedisCounters(
        new RateLimiterRedis({
          storeClient: client,
          keyPrefix: `iqra:rl:${prefix}`,
          points,
          duration: durationSeconds,
          rejectIfRedisNotReady: true,
        }),
        new MemoryCounters(durationSeconds * 1000, maxWindows),
      ),
  };
}

class RedisCounters implements Counters {
  constructor(
    private readonly redis: RateLimiterRedis,
    private readonly fallback: MemoryCounters,
  ) {}

  async spend(key: string): Promise<WindowState> {
    try {
      return stateOf(await this.redis.consume(key));
    } catch (rejection) {
      // A spent budget rejects with the window's state; anything else means Redis is down.
      if (rejection instanceof RateLimiterRes) return stateOf(rejection);
      return this.fallback.spend(key);
    }
  }

  async peek(key: string): Promise<WindowState | undefined> {
    try {
      const res = await this.redis.get(key);
      return res ? stateOf(res) : undefined;
    } catch {
      return this.fallback.peek(key);
    }
  }

  async refund(key: string): Promise<void> {
    try {
      await this.redis.reward(key, 1);
    } catch {
      this.fallback.refund(key);
    }
  }

  async clear(key: string): Promise<void> {
    try {
      await this.redis.delete(key);
    } catch {
      this.fallback.clear(key);
    }
  }
}

function stateOf(res: RateLimiterRes): WindowState {
  return { spent: res.consumedPoints, msLeft: res.msBeforeNext };
}

const isPromise = <T>(value: MaybePromise<T>): value is Promise<T> => value instanceof Promise;

/** A fixed budget of `points` per `durationSeconds` per key. */
export class Throttle {
  private readonly counters: Counters;

  constructor(
    store: CounterStore,
    readonly options: { prefix: string; points: number; durationSeconds: number },
  ) {
    this.counters = store.create(options);
  }

  /**
   * Spends one point. Never throws for a spent budget: `allowed` says so. Answers at once (no
   * promise) when the counters are in memory, so the request path awaits nothing it need not.
   */
  consume(key: string): MaybePromise<RateLimitResult> {
    const state = this.counters.spend(key);
    return isPromise(state) ? state.then((s) => this.result(s)) : this.result(state);
  }

  /** The spent budget's answer when it is spent already, without spending. */
  isExhausted(key: string): MaybePromise<RateLimitResult | undefined> {
    const state = this.counters.peek(key);
    return isPromise(state) ? state.then((s) => this.exhausted(s)) : this.exhausted(state);
  }

  /**
   * Gives back one point spent by `consume`: an attempt is reserved before the work it limits
   * (so concurrent requests cannot all pass a check-then-spend race) and refunded when it turns
   * out not to count, such as a successful login.
   */
  async refund(key: string): Promise<void> {
    await this.counters.refund(key);
  }

  async reset(key: string): Promise<void> {
    await this.counters.clear(key);
  }

  private exhausted(state: WindowState | undefined): RateLimitResult | undefined {
    if (state === undefined || state.spent < this.options.points) return undefined;
    return this.result(state);
  }

  private result(state: WindowState): RateLimitResult {
    const { points } = this.options;
    return {
      allowed: state.spent <= points,
      limit: points,
      remaining: state.spent >= points ? 0 : points - state.spent,
      resetSeconds: Math.max(1, Math.ceil(state.msLeft / 1000)),
    };
  }
}

/** Per-minute budgets whose size depends on the caller (per key, or the deployment default). */
export class RequestBudgets {
  private readonly bySize = new Map<number, Throttle>();

  constructor(private readonly store: CounterStore) {}

  consume(bucket: string, perMinute: number): MaybePromise<RateLimitResult> {
    let throttle = this.bySize.get(perMinute);
    if (!throttle) {
      throttle = new Throttle(this.store, {
        prefix: `req:${perMinute}`,
        points: perMinute,
        durationSeconds: 60,
      });
      this.bySize.set(perMinute, throttle);
    }
    return throttle.consume(bucket);
  }
}

/** Sets the headers of every authenticated answer. */
export function setRateLimitHeaders(
  reply: { header(name: string, value: number): unknown },
  result: RateLimitResult,
): void {
  reply.header('x-ratelimit-limit', result.limit);
  reply.header('x-ratelimit-remaining', result.remaining);
  reply.header('x-ratelimit-reset', result.resetSeconds);
}

/** The same headers as an object, for an error's answer. */
export function rateLimitHeaders(result: RateLimitResult): Record<string, number> {
  return {
    'x-ratelimit-limit': result.limit,
    'x-ratelimit-remaining': result.remaining,
    'x-ratelimit-reset': result.resetSeconds,
  };
}
