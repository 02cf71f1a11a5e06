import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ExpiringCache } from '../common/expiring-cache';
import { authConfig, type AuthConfig } from '../config/app.config';
import { hashApiKey, isWellFormedKey } from '../projects/api-key';
import { ProjectChanges } from '../projects/project-changes';
import { AdminKeysService } from './admin-keys.service';

const MAX_CACHED_KEYS = 1000;

/**
 * Admin keys, checked like project keys: refused without a lookup when they cannot be `xs_ak_…` keys at all
 * (a project key never is), cached for API_KEY_CACHE_TTL_SECONDS, and forgotten at once on a revoke.
 */
@Injectable()
export class AdminKeyAuthenticator {
  private readonly checks: ExpiringCache<string | null>;

  constructor(adminKeys: AdminKeysService, clock: Clock, changes: ProjectChanges, @Inject(authConfig.KEY) config: AuthConfig) {
    this.checks = new ExpiringCache({
      ttlMs: config.apiKeyCacheTtlSeconds * 1000,
      maxEntries: MAX_CACHED_KEYS,
      clock,
      load: async (hash) => (await adminKeys.findActiveByHash(hash))?.id ?? null,
    });
    changes.onChange(() => this.checks.clear());
  }

  /** The admin key's id, or undefined when the key is not an active admin key. */
  async check(key: string): Promise<string | undefined> {
    if (!isWellFormedKey(key, 'admin')) return undefined;
    return (await this.checks.get(hashApiKey(key))) ?? undefined;
  }
}
