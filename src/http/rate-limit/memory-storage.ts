import type { ThrottlerStorage } from '@nestjs/throttler';
import { SystemClock, type Clock } from '../../platform/clock';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  expiresAt: number;
  blockedUntil: number;
}

/** How often windows that ended are forgotten. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Rate-limit counters in this process: one fixed-window counter per key, with exactly the semantics of the
 * Redis storage's script (@nest-lab/throttler-storage-redis), so that an instance counts the same way alone
 * or shared. Neither library store fitted: @nestjs/throttler's in-memory storage keeps a timestamp per hit
 * and filters them all on every request (O(hits in the window): the largest single cost of the token route
 * at a high limit, see bench/findings.md), and rate-limiter-flexible binds a counter to one limit, so a
 * project whose limit is lowered would start counting from zero instead of being limited at once.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper = setInterval(() => this.forgetEnded(), SWEEP_INTERVAL_MS).unref();

  constructor(private readonly clock: Clock = new SystemClock()) {}

  // eslint-disable-next-line @typescript-eslint/require-await -- the ThrottlerStorage interface is asynchronous
  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.clock.now();
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (!window) {
      window = { hits: 0, expiresAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    } else if (window.expiresAt <= now) {
      window.hits = 0;
      window.expiresAt = now + ttl;
    }
    window.hits++;
    if (window.blockedUntil <= now && window.hits > limit) window.blockedUntil = now + blockDuration;
    const isBlocked = window.blockedUntil > now;
    return {
      totalHits: window.hits,
      timeToExpire: Math.ceil((window.expiresAt - now) / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((window.blockedUntil - now) / 1000) : 0,
    };
  }

  /** Stops the sweep (the timer does not keep the process alive either way). */
  close(): void {
    clearInterval(this.sweeper);
  }

  private forgetEnded(): void {
    const now = this.clock.now();
    for (const [id, window] of this.windows) if (window.expiresAt <= now && window.blockedUntil <= now) this.windows.delete(id);
  }
}
