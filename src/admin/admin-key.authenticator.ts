import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ExpiringCache } from '../common/expiring-cache';
import { authConfig, type AuthConfig } from '../config/app.config';
import { hashApiKey, isWellFormedKey } from '../projects/api-key';
import { ProjectChanges } from '../projects/project-changes';
import { AdminKeysService } from './admin-keys.service';

const MAX_CACHED_KEYS = 1000;
/** How long an accepted admin key counts as known to be valid (see isKnownValid). */
const KNOWN_VALID_MS = 60 * 60_000;

/**
 * Admin keys, checked like project keys: refused without a lookup when they cannot be `xs_ak_…` keys at all
 * (a project key never is), cached for API_KEY_CACHE_TTL_SECONDS, and forgotten at once on a revoke. Keys
 * accepted in the last hour are known to be valid, and pass an address's failed-authentication block (still
 * checked, like server keys: see ApiKeyAuthenticator).
 */
@Injectable()
export class AdminKeyAuthenticator {
  private readonly checks: ExpiringCache<string | null>;
  private readonly knownValid: ExpiringCache<true>;

  constructor(adminKeys: AdminKeysService, clock: Clock, changes: ProjectChanges, @Inject(authConfig.KEY) config: AuthConfig) {
    this.knownValid = new ExpiringCache({ ttlMs: KNOWN_VALID_MS, maxEntries: MAX_CACHED_KEYS, clock });
    this.checks = new ExpiringCache({
      ttlMs: config.apiKeyCacheTtlSeconds * 1000,
      maxEntries: MAX_CACHED_KEYS,
      clock,
      load: async (hash) => {
        const id = (await adminKeys.findActiveByHash(hash))?.id ?? null;
        if (id) this.knownValid.set(hash, true);
        else this.knownValid.delete(hash);
        return id;
      },
    });
    changes.onChange(() => this.checks.clear());
  }

  /** Whether this instance accepted the key in the last hour; says nothing about whether it still is valid. */
  isKnownValid(key: string): boolean {
    return isWellFormedKey(key, 'admin') && this.knownValid.peek(hashApiKey(key)) !== undefined;
  }

  /** The admin key's id, or undefined when the key is not an active admin key. */
  async check(key: string): Promise<string | undefined> {
    if (!isWellFormedKey(key, 'admin')) return undefined;
    return (await this.checks.get(hashApiKey(key))) ?? undefined;
  }
}
