import { Injectable, Logger } from '@nestjs/common';
import { readConnectionMeta } from '../../domain/channels/connection-meta';
import { ConnectionPolicies } from '../../domain/access/connection-policies';
import { DebugFeed } from '../../domain/live/debug-feed';

/**
 * Centrifugo's answers: an empty result allows the subscription; error 103 refuses it. The engine hands a
 * proxy's error to the client as given (code and message), so the client's `unsubscribed` (and `error`)
 * event carries code 103 ("permission denied", terminal: no retry) with the reason as its message.
 */
export type SubscribeProxyReply = { result: Record<string, never> } | { error: { code: 103; message: string } };

const ALLOW: SubscribeProxyReply = { result: {} };
/** The engine's own code for a refused subscription, which clients already treat as final. */
const PERMISSION_DENIED = 103;

/**
 * Decides a client-side subscription from what the engine sends (HTTP proxy JSON: client, user, channel and,
 * with include_connection_meta, the connection token's `meta`): allowed only when the key that minted the
 * token is an active server key of an enabled project whose channel policy matches the channel.
 *
 * A refusal tells the client why in one sentence that names only what the connection's own project may
 * already know (its slug and patterns), never another project; the same sentence is logged at info level.
 */
@Injectable()
export class SubscribeProxyService {
  private readonly logger = new Logger(SubscribeProxyService.name);

  constructor(
    private readonly policies: ConnectionPolicies,
    private readonly debug: DebugFeed,
  ) {}

  async decide(request: unknown): Promise<SubscribeProxyReply> {
    const { channel, meta, user } = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    const connection = readConnectionMeta(meta);
    if (typeof channel !== 'string' || !connection)
      return this.deny('(none)', channel, 'the connection token was not minted by this service for a project');
    const seen = { projectId: connection.projectId, user: typeof user === 'string' ? user : '', channel };
    // While the store is down this is a 503, which the engine reports to the client as a temporary error (it retries).
    const policy = await this.policies.forConnection(connection);
    if (!policy)
      return this.deny(
        connection.projectId,
        channel,
        'the server key that minted the connection token is revoked or unknown, or its project is disabled; connect with a token from an active server key',
        seen,
      );
    if (!policy.channels.allows(channel))
      return this.deny(
        policy.projectSlug,
        channel,
        `the channel is outside the channels of project "${policy.projectSlug}" (${policy.channels.patterns.join(', ')})`,
        seen,
      );
    if (this.debug.isWatched(seen.projectId))
      this.debug.record(seen.projectId, { type: 'subscription', user: seen.user, channel, allowed: true });
    return ALLOW;
  }

  /**
   * One info line for the operator; the same reason, as one sentence, for the client, and for the project's
   * debug feed when the connection names a project.
   */
  private deny(
    project: string,
    channel: unknown,
    reason: string,
    seen?: { projectId: string; user: string; channel: string },
  ): SubscribeProxyReply {
    this.logger.log(`Subscription refused: project ${project}, channel ${JSON.stringify(channel)}: ${reason}`);
    if (seen && this.debug.isWatched(seen.projectId))
      this.debug.record(seen.projectId, { type: 'subscription', user: seen.user, channel: seen.channel, allowed: false, reason });
    return { error: { code: PERMISSION_DENIED, message: `Subscription to ${JSON.stringify(channel)} refused: ${reason}.` } };
  }
}
