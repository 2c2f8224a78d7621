import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
}

/** Where the counters live: this process, or Redis shared by every node. */
export interface CounterStore {
  create(options: { prefix: string; points: number; durationSeconds: number }): RateLimiterAbstract;
}

export function memoryCounters(): CounterStore {
  return {
    create: ({ prefix, points, durationSeconds }) =>
      new RateLimiterMemory({ keyPrefix: prefix, points, duration: durationSeconds }),
  };
}

/** Shared counters; if Redis is unreachable, each node falls back to its own memory counters. */
export function redisCounters(client: Redis): CounterStore {
  return {
    create: ({ prefix, points, durationSeconds }) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `iqra:rl:${prefix}`,
        points,
        duration: durationSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({
          keyPrefix: prefix,
          points,
          duration: durationSeconds,
        }),
      }),
  };
}

/** A fixed budget of `points` per `durationSeconds` per key. */
export class Throttle {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    store: CounterStore,
    readonly options: { prefix: string; points: number; durationSeconds: number },
  ) {
    this.limiter = store.create(options);
  }

  /** Spends one point. Never throws for a spent budget: `allowed` says so. */
  async consume(key: string): Promise<RateLimitResult> {
    try {
      return this.result(await this.limiter.consume(key), true);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return this.result(rejection, false);
      throw rejection;
    }
  }

  /** True when the budget is already spent, without spending. */
  async isExhausted(key: string): Promise<RateLimitResult | undefined> {
    const res = await this.limiter.get(key);
    if (!res || res.consumedPoints < this.options.points) return undefined;
    return this.result(res, false);
  }

  /**
   * Gives back one point spent by `consume`: an attempt is reserved before the work it limits
   * (so concurrent requests cannot all pass a check-then-spend race) and refunded when it turns
   * out not to count, such as a successful login.
   */
  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }

  private result(res: RateLimiterRes, allowed: boolean): RateLimitResult {
    return {
      allowed,
      limit: this.options.points,
      remaining: Math.max(0, res.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    };
  }
}

/** Per-minute budgets whose size depends on the caller (per key, or the deployment default). */
export class RequestBudgets {
  private readonly bySize = new Map<number, Throttle>();

  constructor(private readonly store: CounterStore) {}

  consume(bucket: string, perMinute: number): Promise<RateLimitResult> {
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

/** The response headers of every authenticated answer. */
export function rateLimitHeaders(result: RateLimitResult): Record<string, number> {
  return {
    'x-ratelimit-limit': result.limit,
    'x-ratelimit-remaining': result.remaining,
    'x-ratelimit-reset': result.resetSeconds,
  };
}
