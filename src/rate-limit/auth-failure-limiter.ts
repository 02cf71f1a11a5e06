import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Clock } from '../common/clock';
import { RetryAfterException } from '../common/retry-after.exception';
import { rateLimitConfig, type RateLimitConfig } from '../config/app.config';
import { perWindow } from './window';

const THROTTLER_NAME = 'auth-failures';
/** Bounds the memory an attack from many addresses can take; the storage still knows about the rest. */
const MAX_REMEMBERED_ADDRESSES = 10_000;

/**
 * Failed authentications per client address: past AUTH_FAILURES_PER_MINUTE, the address gets 429 for the
 * rest of the window (RATE_LIMIT_WINDOW_SECONDS), before any key lookup. Guessing keys then costs the guesser time, and a flood of wrong keys
 * costs the database nothing. Counted in the rate-limit storage (shared through Redis when configured).
 */
@Injectable()
export class AuthFailureLimiter {
  /** Addresses this instance knows to be blocked, and until when: checked without asking the storage. */
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    private readonly clock: Clock,
    @Inject(rateLimitConfig.KEY) private readonly config: RateLimitConfig,
  ) {}

  assertNotBlocked(address: string): void {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return;
    const now = this.clock.now();
    if (until > now) throw tooManyFailures(Math.ceil((until - now) / 1000));
    this.blockedUntil.delete(address);
  }

  async recordFailure(address: string): Promise<void> {
    const windowMs = this.config.rateLimitWindowSeconds * 1000;
    const limit = perWindow(this.config.authFailuresPerMinute, this.config.rateLimitWindowSeconds);
    const record = await this.storage.increment(`auth-failure:${address}`, windowMs, limit, windowMs, THROTTLER_NAME);
    if (!record.isBlocked) return;
    if (this.blockedUntil.size >= MAX_REMEMBERED_ADDRESSES) this.blockedUntil.delete(this.blockedUntil.keys().next().value!);
    this.blockedUntil.set(address, this.clock.now() + record.timeToBlockExpire * 1000);
    throw tooManyFailures(record.timeToBlockExpire);
  }
}

function tooManyFailures(retryAfterSeconds: number): RetryAfterException {
  return new RetryAfterException(
    429,
    `Too many failed authentications from this address; retry in ${retryAfterSeconds} s.`,
    retryAfterSeconds,
  );
}
