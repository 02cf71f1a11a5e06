import { Injectable, Logger } from '@nestjs/common';
import { readConnectionMeta } from '../../domain/channels/connection-meta';
import { ConnectionPolicies } from '../../domain/access/connection-policies';

/** Centrifugo's answers: an empty result allows the subscription; error 103 refuses it (terminal for the client). */
export type SubscribeProxyReply = { result: Record<string, never> } | { error: { code: 103; message: 'permission denied' } };

const ALLOW: SubscribeProxyReply = { result: {} };
const DENY: SubscribeProxyReply = { error: { code: 103, message: 'permission denied' } };

/**
 * Decides a client-side subscription from what the engine sends (HTTP proxy JSON: client, user, channel and,
 * with include_connection_meta, the connection token's `meta`): allowed only when the key that minted the
 * token is an active server key of an enabled project whose channel policy matches the channel.
 */
@Injectable()
export class SubscribeProxyService {
  private readonly logger = new Logger(SubscribeProxyService.name);

  constructor(private readonly policies: ConnectionPolicies) {}

  async decide(request: unknown): Promise<SubscribeProxyReply> {
    const { channel, meta } = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    const connection = readConnectionMeta(meta);
    if (typeof channel !== 'string' || !connection) return this.deny('no channel, or a connection token without a project', channel);
    // While the store is down this is a 503, which the engine reports to the client as a temporary error (it retries).
    const policy = await this.policies.forConnection(connection);
    const whose = `project ${connection.projectId}, key ${connection.keyId ?? '(none: a token from before key ids)'}`;
    if (!policy) return this.deny(`${whose}: the key is revoked or unknown, or the project disabled or unknown`, channel);
    if (!policy.allows(channel)) return this.deny(`outside the policy of ${whose}`, channel);
    return ALLOW;
  }

  private deny(reason: string, channel: unknown): SubscribeProxyReply {
    this.logger.debug(`Subscription to ${JSON.stringify(channel)} refused: ${reason}`);
    return DENY;
  }
}
