import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock';
import { ExpiringCache } from '../../platform/expiring-cache';
import { AdminKeysService } from '../admin-keys/admin-keys.service';
import { hashApiKey, isWellFormedKey } from '../projects/api-key';
import { AccessCaches, storeUnavailable } from './access-caches';

const MAX_CACHED_KEYS = 1000;
/** How long an accepted admin key counts as known to be valid (see isKnownValid). */
const KNOWN_VALID_MS = 60 * 60_000;

/**
 * Admin keys, checked like project keys: refused without a lookup when they cannot be `xs_ak_…` keys at all
 * (a project key never is), cached like them (AccessCaches: forgotten at once on a revoke, served stale while
 * the database is down). Keys
 * accepted in the last hour are known to be valid, and pass an address's failed-authentication block (still
 * checked, like server keys: see ApiKeyAuthenticator).
 */
@Injectable()
export class AdminKeyAuthenticator {
  private readonly checks: ExpiringCache<string | null>;
  private readonly knownValid: ExpiringCache<true>;

  constructor(adminKeys: AdminKeysService, clock: Clock, caches: AccessCaches) {
    this.knownValid = new ExpiringCache({ ttlMs: KNOWN_VALID_MS, maxEntries: MAX_CACHED_KEYS, clock });
    this.checks = caches.create({
      maxEntries: MAX_CACHED_KEYS,
      load: async (hash) => {
        const id = (await adminKeys.findActiveByHash(hash))?.id ?? null;
        if (id) this.knownValid.set(hash, true);
        else this.knownValid.delete(hash);
        return id;
      },
    });
  }

  /** Whether this instance accepted the key in the last hour; says nothing about whether it still is valid. */
  isKnownValid(key: string): boolean {
    return isWellFormedKey(key, 'admin') && this.knownValid.peek(hashApiKey(key)) !== undefined;
  }

  /** The admin key's id, or undefined when the key is not an active admin key; 503 while the store is down. */
  async check(key: string): Promise<string | undefined> {
    if (!isWellFormedKey(key, 'admin')) return undefined;
    const id = await this.checks.get(hashApiKey(key)).catch(() => {
      throw storeUnavailable();
    });
    return id ?? undefined;
  }
}
