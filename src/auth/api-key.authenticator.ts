import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app.config';
import { Clock } from '../common/clock';
import { ExpiringCache } from '../common/expiring-cache';
import { hashApiKey } from '../projects/api-key';
import { ApiKey } from '../projects/api-key.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import { ChannelPolicy } from '../tenancy/channel-policy';
import type { KeyCheck } from './authenticated-request';

const MAX_CACHED_KEYS = 10_000;
const LAST_USED_FLUSH_MS = 30_000;

/**
 * Decides whether an API key may call the server API.
 *
 * Results (accepted or refused) are cached for API_KEY_CACHE_TTL_SECONDS so that a valid key costs no
 * database round trip per request; that TTL is also the bound within which a revoked key, a disabled
 * project, a channel-policy change or a new key takes effect on every instance. `last_used_at` is written
 * in one batched UPDATE every 30 s instead of once per request.
 */
@Injectable()
export class ApiKeyAuthenticator implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly checks: ExpiringCache<KeyCheck>;
  private readonly usedKeyIds = new Set<string>();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(
    private readonly repository: ProjectsRepository,
    private readonly clock: Clock,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    this.checks = new ExpiringCache({
      ttlMs: config.apiKeyCacheTtlSeconds * 1000,
      maxEntries: MAX_CACHED_KEYS,
      clock,
      load: async (hash) => decide(await repository.getKeyByHash(hash)),
    });
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS).unref();
  }

  async check(key: string): Promise<KeyCheck> {
    const hash = hashApiKey(key);
    const check = await this.checks.get(hash);
    if (check.ok) this.usedKeyIds.add(check.project.keyId);
    return check;
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
  const { project } = apiKey;
  return { ok: true, project: { projectId: project.id, projectSlug: project.slug, keyId: apiKey.id, channels: new ChannelPolicy(project.channelPatterns) } };
}
