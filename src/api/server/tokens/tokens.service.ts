import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { AuthenticatedProject } from '../../../domain/access/key-check';
import { Clock } from '../../../platform/clock';
import { TokenSigner } from '../../../platform/engine/token-signer';
import { Metrics } from '../../../platform/metrics/metrics';
import { assertChannelsAllowed } from '../../../domain/access/channel-access';
import { connectionMeta } from '../../../domain/channels/connection-meta';
import { controlChannel } from '../../../domain/channels/control-channel';
import { ControlChannelProbe } from '../../../domain/live/control-channel-probe';
import { DebugFeed } from '../../../domain/live/debug-feed';
import { buildConnectionClaims, buildSubscriptionClaims, effectiveTtl } from './claims';
import { CreateSubscriptionTokenDto, SubscriptionTokenResponseDto } from './dto/create-subscription-token.dto';
import { CreateTokenDto, TokenResponseDto } from './dto/create-token.dto';

/** Signs HS256 JWTs for Centrifugo with the deployment's HMAC secret, for channels inside the project's policy. */
@Injectable()
export class TokensService implements OnApplicationBootstrap {
  constructor(
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly controlChannel: ControlChannelProbe,
    private readonly debug: DebugFeed,
  ) {}

  /**
   * The server mints tokens: it keeps asking whether the engine has the control channel's namespace, and
   * which projects a console watches.
   */
  onApplicationBootstrap(): void {
    this.controlChannel.watch();
    this.debug.watch();
  }

  /**
   * The channels asked for are checked as they are; the project's control channel is added after the check
   * (when the engine has its namespace), so that the engine counts and can cut this connection per project.
   */
  createConnectionToken(project: AuthenticatedProject, request: CreateTokenDto): TokenResponseDto {
    assertChannelsAllowed(project, request.channels ?? []);
    const channels = this.controlChannel.available ? [...(request.channels ?? []), controlChannel(project.projectId)] : request.channels;
    const claims = buildConnectionClaims({ ...request, channels }, connectionMeta(project.projectId, project.keyId), this.clock.now());
    const token = this.signer.sign(claims);
    this.metrics.tokenMinted(project.projectSlug, 'connection');
    if (this.debug.isWatched(project.projectId))
      this.debug.record(project.projectId, { type: 'connection-token', user: request.userId, channels: request.channels ?? [] });
    return { token, expiresInSeconds: effectiveTtl(request.ttlSeconds) };
  }

  createSubscriptionToken(project: AuthenticatedProject, request: CreateSubscriptionTokenDto): SubscriptionTokenResponseDto {
    assertChannelsAllowed(project, [request.channel]);
    const claims = buildSubscriptionClaims(request, this.clock.now());
    const token = this.signer.sign(claims);
    this.metrics.tokenMinted(project.projectSlug, 'subscription');
    if (this.debug.isWatched(project.projectId))
      this.debug.record(project.projectId, { type: 'subscription-token', user: request.userId, channel: request.channel });
    return { token, channel: request.channel, expiresInSeconds: effectiveTtl(request.ttlSeconds) };
  }
}
