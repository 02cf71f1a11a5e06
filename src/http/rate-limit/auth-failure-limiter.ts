import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Clock } from '../../platform/clock';
import { RetryAfterException } from '../../platform/retry-after.exception';
import { rateLimitConfig, type RateLimitConfig } from '../../platform/config/app.config';
import { perWindow } from './window';

const THROTTLER_NAME = 'auth-failures';
/** Bounds the memory an attack from many addresses can take; the storage still knows about the rest. */
const MAX_REMEMBERED_ADDRESSES = 10_000;

/**
 * Authentication attempts per client address that are not known to succeed: every attempt with a key this
 * instance has not accepted before is counted BEFORE its lookup, and every wrong shared secret (engine proxy
 * secret, metrics token). Past AUTH_FAILURES_PER_MINUTE in a window (RATE_LIMIT_WINDOW_SECONDS), the address
 * gets 429 for the rest of the window. Counting first bounds the lookups a burst can cause: a thousand
 * concurrent wrong keys from one address cost at most the limit's worth of queries, not one each. Guessing
 * keys then costs the guesser time, and a flood of wrong keys costs the database nothing. Counted in the
 * rate-limit storage (shared through Redis when configured).
 *
 * What the guard does not count or block (known-valid keys, the engine's right secret) is its own decision.
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

  /** 429 when this instance knows the address to be blocked; no storage round trip. */
  assertNotBlocked(address: string): void {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return;
    const now = this.clock.now();
    if (until > now) throw tooManyFailures(Math.ceil((until - now) / 1000));
    this.blockedUntil.delete(address);
  }

  /**
   * Counts one attempt against the address: before a lookup, or for a wrong secret. Throws 429 when this
   * attempt is past the limit (or the address already blocked), so that the caller looks nothing up.
   */
  async countAttempt(address: string): Promise<void> {
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
