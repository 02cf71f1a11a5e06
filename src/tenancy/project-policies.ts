import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ExpiringCache } from '../common/expiring-cache';
import { authConfig, type AuthConfig } from '../config/app.config';
import { ProjectChanges } from '../projects/project-changes';
import { ProjectsRepository } from '../projects/projects.repository';
import { ChannelPolicy } from './channel-policy';

const MAX_CACHED_PROJECTS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The channel policy of an enabled project, by project id: what the subscribe proxy decides with. Cached
 * like key checks (emptied by ProjectChanges, API_KEY_CACHE_TTL_SECONDS at most, served stale while the
 * database is down), so a burst of subscriptions costs one query.
 */
@Injectable()
export class ProjectPolicies {
  private readonly policies: ExpiringCache<ChannelPolicy | undefined>;

  constructor(repository: ProjectsRepository, clock: Clock, changes: ProjectChanges, @Inject(authConfig.KEY) config: AuthConfig) {
    this.policies = new ExpiringCache({
      ttlMs: config.apiKeyCacheTtlSeconds * 1000,
      maxStaleMs: config.apiKeyMaxStaleSeconds * 1000,
      maxEntries: MAX_CACHED_PROJECTS,
      clock,
      load: async (projectId) => {
        const project = await repository.findProject(projectId);
        return project && !project.disabledAt ? new ChannelPolicy(project.channelPatterns) : undefined;
      },
    });
    changes.onChange(() => this.policies.clear());
  }

  /** undefined: no such project, or it is disabled. */
  forEnabledProject(projectId: string): Promise<ChannelPolicy | undefined> {
    if (!UUID.test(projectId)) return Promise.resolve(undefined);
    return this.policies.get(projectId);
  }
}
