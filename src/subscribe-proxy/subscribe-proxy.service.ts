import { Injectable, Logger } from '@nestjs/common';
import { RetryAfterException } from '../common/retry-after.exception';
import { readConnectionMeta } from '../tenancy/connection-meta';
import { ProjectPolicies } from '../tenancy/project-policies';

/** Centrifugo's answers: an empty result allows the subscription; error 103 refuses it (terminal for the client). */
export type SubscribeProxyReply = { result: Record<string, never> } | { error: { code: 103; message: 'permission denied' } };

const ALLOW: SubscribeProxyReply = { result: {} };
const DENY: SubscribeProxyReply = { error: { code: 103, message: 'permission denied' } };

/**
 * Decides a client-side subscription from what the engine sends (HTTP proxy JSON: client, user, channel and,
 * with include_connection_meta, the connection token's `meta`): allowed only when the token names a
 * project that exists, is enabled, and whose channel policy matches the channel.
 */
@Injectable()
export class SubscribeProxyService {
  private readonly logger = new Logger(SubscribeProxyService.name);

  constructor(private readonly policies: ProjectPolicies) {}

  async decide(request: unknown): Promise<SubscribeProxyReply> {
    const { channel, meta } = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    const project = readConnectionMeta(meta);
    if (typeof channel !== 'string' || !project) return this.deny('no channel, or a connection token without a project', channel);
    const policy = await this.policies.forEnabledProject(project.projectId).catch(() => {
      // The engine reports a non-200 answer to the client as a temporary error; the client retries.
      throw new RetryAfterException(503, 'The project store is unavailable; retry shortly.', 2);
    });
    if (!policy) return this.deny(`project ${project.projectId} does not exist or is disabled`, channel);
    if (!policy.allows(channel)) return this.deny(`outside the policy of project ${project.projectId}`, channel);
    return ALLOW;
  }

  private deny(reason: string, channel: unknown): SubscribeProxyReply {
    this.logger.debug(`Subscription to ${JSON.stringify(channel)} refused: ${reason}`);
    return DENY;
  }
}
