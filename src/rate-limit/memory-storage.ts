import type { ThrottlerStorage } from '@nestjs/throttler';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Rate-limit counters in this process: fixed windows from rate-limiter-flexible (one counter and one timer per
 * key and window), the same algorithm as the Redis storage. @nestjs/throttler's own in-memory storage keeps
 * a timestamp per hit and filters them all on every request, so a request costs O(hits in the window): at a
 * 6,000-per-minute limit that was the largest single cost of the token route (docs/performance.md).
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  /** One limiter per (window, limit, block) combination: projects with their own limit get their own. */
  private readonly limiters = new Map<string, RateLimiterMemory>();

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const result = await this.limiterFor(ttl, limit, blockDuration)
      .consume(`${throttlerName}:${key}`)
      .catch((refused: unknown) => {
        if (refused instanceof RateLimiterRes) return refused; // over the limit: the same record, as a rejection
        throw refused;
      });
    const isBlocked = result.consumedPoints > limit;
    const secondsLeft = Math.ceil(result.msBeforeNext / 1000);
    return { totalHits: result.consumedPoints, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
  }

  private limiterFor(ttlMs: number, limit: number, blockDurationMs: number): RateLimiterMemory {
    const id = `${ttlMs}:${limit}:${blockDurationMs}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: limit, duration: ttlMs / 1000, blockDuration: blockDurationMs / 1000 });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
