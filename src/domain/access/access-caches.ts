import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock';
import { authConfig, type AuthConfig } from '../../platform/config/app.config';
import { ExpiringCache } from '../../platform/expiring-cache';
import { RetryAfterException } from '../../platform/retry-after.exception';
import { ProjectChanges } from '../projects/project-changes';

/** How long a caller waits before asking again while the project store (PostgreSQL) does not answer. */
const STORE_RETRY_AFTER_SECONDS = 2;

/** The one answer for "the key and project store is down and this caller is not cached": 503, retry shortly. */
export function storeUnavailable(): RetryAfterException {
  return new RetryAfterException(503, 'The key store is unavailable; retry shortly.', STORE_RETRY_AFTER_SECONDS);
}

export interface AccessCacheOptions<V> {
  maxEntries: number;
  /** Without it, the cache is filled with set() only (for example, refusals kept apart from answers). */
  load?: (key: string) => Promise<V>;
  /** Which loaded values to keep (all by default). */
  keepIf?: (value: V) => boolean;
}

/**
 * Builds every cache of a changing thing (keys, projects, their policies) by one rule: answers are trusted for
 * API_KEY_CACHE_TTL_SECONDS, served stale for up to API_KEY_MAX_STALE_SECONDS while the database is down
 * (stale-if-error), and emptied on every instance at once when ProjectChanges announces a change.
 */
@Injectable()
export class AccessCaches {
  constructor(
    private readonly clock: Clock,
    private readonly changes: ProjectChanges,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  create<V>(options: AccessCacheOptions<V>): ExpiringCache<V> {
    const cache = new ExpiringCache<V>({
      ...options,
      ttlMs: this.config.apiKeyCacheTtlSeconds * 1000,
      maxStaleMs: this.config.apiKeyMaxStaleSeconds * 1000,
      clock: this.clock,
    });
    this.changes.onChange(() => cache.clear());
    return cache;
  }
}
