import { ManualClock } from '../../../test/support/manual-clock';
import { RetryAfterException } from '../../platform/retry-after.exception';
import { parseEnv } from '../../platform/config/env.parser';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { MemoryThrottlerStorage } from './memory-storage';

/** The limiter over the real in-process storage, with a clock the spec moves: 3 attempts per 60 s window. */
describe('AuthFailureLimiter', () => {
  let clock: ManualClock;
  let storage: MemoryThrottlerStorage;
  let limiter: AuthFailureLimiter;

  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    storage = new MemoryThrottlerStorage(clock);
    limiter = new AuthFailureLimiter(storage, clock, parseEnv({ AUTH_FAILURES_PER_MINUTE: '3', RATE_LIMIT_WINDOW_SECONDS: '60' }));
  });
  afterEach(() => storage.close());

  const outcome = (attempt: Promise<void>) =>
    attempt.then(
      () => 'counted',
      (error: unknown) => (error instanceof RetryAfterException ? error.getStatus() : error),
    );

  it('counts attempts up to the limit, refuses the next with 429 and Retry-After, and every later one without counting', async () => {
    for (let i = 0; i < 3; i++) await limiter.countAttempt('203.0.113.7');
    const refused = await limiter.countAttempt('203.0.113.7').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RetryAfterException);
    expect((refused as RetryAfterException).getStatus()).toBe(429);
    expect((refused as RetryAfterException).retryAfterSeconds).toBe(60);
    clock.advance(20_000);
    expect(() => limiter.assertNotBlocked('203.0.113.7')).toThrow(RetryAfterException);
  });

  it('lets at most the limit through when attempts arrive all at once', async () => {
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => outcome(limiter.countAttempt('203.0.113.8'))));
    expect(outcomes.filter((result) => result === 'counted')).toHaveLength(3);
    expect(outcomes.filter((result) => result === 429)).toHaveLength(97);
  });

  it('counts each address on its own', async () => {
    for (let i = 0; i < 4; i++) await outcome(limiter.countAttempt('203.0.113.9'));
    expect(() => limiter.assertNotBlocked('198.51.100.1')).not.toThrow();
    await expect(limiter.countAttempt('198.51.100.1')).resolves.toBeUndefined();
  });

  it('lifts the block when it expires', async () => {
    for (let i = 0; i < 4; i++) await outcome(limiter.countAttempt('203.0.113.10'));
    clock.advance(60_000);
    expect(() => limiter.assertNotBlocked('203.0.113.10')).not.toThrow();
    await expect(limiter.countAttempt('203.0.113.10')).resolves.toBeUndefined();
  });
});
