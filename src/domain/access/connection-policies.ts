import { Injectable } from '@nestjs/common';
import type { ExpiringCache } from '../../platform/expiring-cache';
import { ProjectsRepository } from '../projects/projects.repository';
import { ChannelPolicy } from '../channels/channel-policy';
import type { ConnectionMeta } from '../channels/connection-meta';
import { isUuid } from '../vocabulary';
import { AccessCaches, storeUnavailable } from './access-caches';

const MAX_CACHED_ENTRIES = 10_000;

/** A usable minting key (or, for a legacy token, an enabled project): whose it is and what it may reach. */
interface Usable {
  projectId: string;
  /** For the refusal's log line and message: people know a project by its slug. */
  projectSlug: string;
  channels: ChannelPolicy;
}

/** What a connection may subscribe to, and whose it is. */
export type ConnectionPolicy = Pick<Usable, 'projectSlug' | 'channels'>;

/**
 * What the subscribe proxy decides with: the channel policy of a connection, found through the server key
 * that minted its token. Undefined once that key is revoked or its project disabled, so revoking a key
 * refuses its tokens' client-side subscriptions at once.
 *
 * One cache for every answer, kept like the guard's key checks: emptied by ProjectChanges on every change,
 * API_KEY_CACHE_TTL_SECONDS at most otherwise, served stale (API_KEY_MAX_STALE_SECONDS) while the database
 * is down, and a burst of subscriptions through one key costs one query.
 *
 * Tokens minted before key ids were recorded carry only the project; they are decided by the project
 * (enabled, policy) until they expire, at most 3600 s after the upgrade.
 */
@Injectable()
export class ConnectionPolicies {
  private readonly usable: ExpiringCache<Usable | undefined>;

  constructor(repository: ProjectsRepository, caches: AccessCaches) {
    this.usable = caches.create({
      maxEntries: MAX_CACHED_ENTRIES,
      load: async (entry) => {
        const [kind, id] = entry.split(':');
        if (kind === 'project') {
          const project = await repository.findProject(id);
          return project && !project.disabledAt
            ? { projectId: project.id, projectSlug: project.slug, channels: new ChannelPolicy(project.channelPatterns) }
            : undefined;
        }
        const key = await repository.findKeyWithProject(id);
        if (!key || key.revokedAt || key.kind !== 'server' || key.project.disabledAt) return undefined;
        return { projectId: key.projectId, projectSlug: key.project.slug, channels: new ChannelPolicy(key.project.channelPatterns) };
      },
    });
  }

  /** undefined: the token's key is unknown or revoked, or its project unknown or disabled; 503 while the store is down. */
  async forConnection(meta: ConnectionMeta): Promise<ConnectionPolicy | undefined> {
    const { projectId, keyId } = meta;
    if (!isUuid(projectId) || (keyId !== undefined && !isUuid(keyId))) return undefined;
    const usable = await this.usable.get(keyId === undefined ? `project:${projectId}` : `key:${keyId}`).catch(() => {
      throw storeUnavailable();
    });
    // Both ids come from our own signature; a mismatch means a token this service never minted.
    return usable?.projectId === projectId ? usable : undefined;
  }
}
