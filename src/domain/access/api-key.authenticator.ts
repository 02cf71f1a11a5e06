import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../platform/clock';
import { ExpiringCache } from '../../platform/expiring-cache';
import { Metrics } from '../../platform/metrics/metrics';
import { hashApiKey, isWellFormedKey } from '../projects/api-key';
import { ApiKey } from '../projects/api-key.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import { ChannelPolicy } from '../channels/channel-policy';
import { AccessCaches, storeUnavailable } from './access-caches';
import type { KeyCheck } from './key-check';

const MAX_CACHED_KEYS = 10_000;
/** How long an accepted key counts as known to be valid (see isKnownValid). */
const KNOWN_VALID_MS = 60 * 60_000;
const LAST_USED_FLUSH_MS = 30_000;

/**
 * Decides whether an API key may call the server API.
 *
 * - Keys that cannot be server keys at all are refused without a lookup.
 * - Answers are cached for API_KEY_CACHE_TTL_SECONDS so that a valid key costs no database round trip per
 *   request. Accepted and refused keys are cached apart, so a flood of wrong keys never evicts good ones.
 * - Every change to projects and keys is announced through PostgreSQL (ProjectChanges) and empties both
 *   caches on every instance at once; the TTL bounds staleness only while that channel is down.
 * - While the database is unreachable, an accepted key stays accepted for up to API_KEY_MAX_STALE_SECONDS
 *   past its TTL (nobody can revoke it meanwhile: revocations go through the same database); a key not
 *   in the cache gets 503 with Retry-After.
 * - `last_used_at` is written in one batched UPDATE every 30 s instead of once per request.
 * - Keys accepted in the last hour are known to be valid (isKnownValid): the guard lets them past an
 *   address's failed-authentication block, so that one guesser cannot lock out every backend behind a shared
 *   egress. They are still checked (revocations apply); only a real key can ever be known.
 */
@Injectable()
export class ApiKeyAuthenticator implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly accepted: ExpiringCache<KeyCheck>;
  private readonly refused: ExpiringCache<KeyCheck>;
  /** Not emptied by changes: a change makes a key checked again, not unknown. */
  private readonly knownValid: ExpiringCache<true>;
  private readonly usedKeyIds = new Set<string>();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(
    private readonly repository: ProjectsRepository,
    private readonly clock: Clock,
    caches: AccessCaches,
    private readonly metrics: Metrics,
  ) {
    this.accepted = caches.create({ maxEntries: MAX_CACHED_KEYS, keepIf: (check) => check.ok, load: (hash) => this.lookUp(hash) });
    this.refused = caches.create({ maxEntries: MAX_CACHED_KEYS });
    this.knownValid = new ExpiringCache({ ttlMs: KNOWN_VALID_MS, maxEntries: MAX_CACHED_KEYS, clock });
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS).unref();
  }

  /** Whether this instance accepted the key in the last hour; says nothing about whether it still is valid. */
  isKnownValid(key: string): boolean {
    return isWellFormedKey(key, 'server') && this.knownValid.peek(hashApiKey(key)) !== undefined;
  }

  /**
   * Whether a lookup of this key is under way: a request with it now waits for that lookup and causes none of
   * its own (a backend's burst of first requests with its key is one lookup).
   */
  isBeingLookedUp(key: string): boolean {
    return isWellFormedKey(key, 'server') && this.accepted.isLoading(hashApiKey(key));
  }

  async check(key: string): Promise<KeyCheck> {
    if (!isWellFormedKey(key, 'server')) return { ok: false, reason: 'malformed' };
    const hash = hashApiKey(key);
    const cached = this.refused.peek(hash) ?? this.accepted.peek(hash);
    this.metrics.keyCacheLookup(cached !== undefined);
    const check = cached ?? (await this.acceptedOrLookUp(hash));
    if (check.ok) this.usedKeyIds.add(check.project.keyId);
    return check;
  }

  private async acceptedOrLookUp(hash: string): Promise<KeyCheck> {
    try {
      return await this.accepted.get(hash);
    } catch (error) {
      this.logger.warn(`Key lookup failed: ${(error as Error).message}`);
      throw storeUnavailable();
    }
  }

  private async lookUp(hash: string): Promise<KeyCheck> {
    const check = decide(await this.repository.getKeyByHash(hash));
    if (check.ok) {
      this.knownValid.set(hash, true);
    } else {
      this.refused.set(hash, check);
      this.knownValid.delete(hash);
    }
    return check;
  }

  async flushLastUsed(shuttingDown = false): Promise<void> {
    if (this.usedKeyIds.size === 0) return;
    const ids = [...this.usedKeyIds];
    this.usedKeyIds.clear();
    try {
      await this.repository.touchKeys(ids, new Date(this.clock.now()));
    } catch (error) {
      const message = `Could not record last_used_at for ${ids.length} key(s): ${(error as Error).message}`;
      // At shutdown the database may be stopping too (Ctrl-C reaches a dev database as well): a last
      // best-effort timestamp lost then is expected, not a warning.
      if (shuttingDown) this.logger.debug(message);
      else this.logger.warn(message);
    }
  }

  /** Before (not on) shutdown: the database connection must still be open. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed(true);
  }
}

function decide(apiKey: ApiKey | null): KeyCheck {
  if (!apiKey) return { ok: false, reason: 'unknown' };
  if (apiKey.revokedAt) return { ok: false, reason: 'revoked' };
  if (apiKey.kind !== 'server') return { ok: false, reason: 'client-key' };
  const { project } = apiKey;
  if (project.disabledAt) return { ok: false, reason: 'project-disabled' };
  return {
    ok: true,
    project: {
      projectId: project.id,
      projectSlug: project.slug,
      keyId: apiKey.id,
      channels: new ChannelPolicy(project.channelPatterns),
      rateLimitPerMinute: project.rateLimitPerMinute,
    },
  };
}
