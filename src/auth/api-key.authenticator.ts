import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app.config';
import { Clock } from '../common/clock';
import { hashApiKey } from '../projects/api-key';
import { ApiKey } from '../projects/api-key.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import type { KeyCheck } from './authenticated-project';

const MAX_CACHED_KEYS = 10_000;
const LAST_USED_FLUSH_MS = 30_000;

/**
 * Decides whether an API key may call the server API.
 *
 * Results (accepted or refused) are cached for API_KEY_CACHE_TTL_SECONDS so that a valid key costs no
 * database round trip per request; that TTL is also the bound within which a revoked key, a disabled
 * project or a new key takes effect on every instance. `last_used_at` is written in one batched UPDATE
 * every 30 s instead of once per request.
 */
@Injectable()
export class ApiKeyAuthenticator implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly cache = new Map<string, { check: KeyCheck; expiresAt: number }>();
  /** Lookups in flight, so that a burst of requests with one key asks the database once. */
  private readonly pending = new Map<string, Promise<KeyCheck>>();
  private readonly usedKeyIds = new Set<string>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly ttlMs: number;

  constructor(
    private readonly repository: ProjectsRepository,
    private readonly clock: Clock,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    this.ttlMs = config.apiKeyCacheTtlSeconds * 1000;
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS).unref();
  }

  async check(key: string): Promise<KeyCheck> {
    const hash = hashApiKey(key);
    const check = await this.lookup(hash);
    if (check.ok) this.usedKeyIds.add(check.project.keyId);
    return check;
  }

  private lookup(hash: string): Promise<KeyCheck> {
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > this.clock.now()) return Promise.resolve(cached.check);

    let pending = this.pending.get(hash);
    if (!pending) {
      pending = this.repository
        .getKeyByHash(hash)
        .then((apiKey) => {
          const check = decide(apiKey);
          this.remember(hash, check);
          return check;
        })
        .finally(() => this.pending.delete(hash));
      this.pending.set(hash, pending);
    }
    return pending;
  }

  private remember(hash: string, check: KeyCheck): void {
    if (this.ttlMs === 0) return;
    this.cache.delete(hash);
    if (this.cache.size >= MAX_CACHED_KEYS) {
      // Maps iterate in insertion order: drop the oldest entry so a flood of random keys cannot grow memory.
      this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(hash, { check, expiresAt: this.clock.now() + this.ttlMs });
  }

  async flushLastUsed(): Promise<void> {
    if (this.usedKeyIds.size === 0) return;
    const ids = [...this.usedKeyIds];
    this.usedKeyIds.clear();
    try {
      await this.repository.touchKeys(ids, new Date(this.clock.now()));
    } catch (error) {
      this.logger.warn(`Could not record last_used_at for ${ids.length} key(s): ${(error as Error).message}`);
    }
  }

  /** Before (not on) shutdown: the database connection must still be open. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }
}

function decide(apiKey: ApiKey | null): KeyCheck {
  if (!apiKey) return { ok: false, reason: 'unknown' };
  if (apiKey.revokedAt) return { ok: false, reason: 'revoked' };
  if (apiKey.kind !== 'server') return { ok: false, reason: 'client-key' };
  if (apiKey.project.disabledAt) return { ok: false, reason: 'project-disabled' };
  return { ok: true, project: { projectId: apiKey.projectId, projectSlug: apiKey.project.slug, keyId: apiKey.id } };
}
