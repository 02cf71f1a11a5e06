import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, ServiceUnavailableException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthenticatedProject } from '../../../domain/access/key-check';
import { tokensConfig, type TokensConfig } from '../../../platform/config/app.config';
import { Clock } from '../../../platform/clock';
import { Metrics } from '../../../platform/metrics/metrics';
import { assertChannelsAllowed } from '../../../domain/access/channel-access';
import { connectionMeta } from '../../../domain/channels/connection-meta';
import { controlChannel } from '../../../domain/channels/control-channel';
import { ControlChannelProbe } from '../../../domain/live/control-channel-probe';
import { buildConnectionClaims, buildSubscriptionClaims, effectiveTtl } from './claims';
import { CreateSubscriptionTokenDto, SubscriptionTokenResponseDto } from './dto/create-subscription-token.dto';
import { CreateTokenDto, TokenResponseDto } from './dto/create-token.dto';

/** Signs HS256 JWTs for Centrifugo with the deployment's HMAC secret, for channels inside the project's policy. */
@Injectable()
export class TokensService implements OnApplicationBootstrap {
  /**
   * The secret as a key object, made once: given a string, jsonwebtoken first tries (and fails) to parse it as
   * a private key and then builds a secret key, on every call: about a tenth of the token route's time
   * (bench/findings.md).
   */
  private readonly signingKey?: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly controlChannel: ControlChannelProbe,
    @Inject(tokensConfig.KEY) config: TokensConfig,
  ) {
    if (config.tokenHmacSecret) this.signingKey = createSecretKey(Buffer.from(config.tokenHmacSecret, 'utf8'));
  }

  /** The server mints tokens: it keeps asking whether the engine has the control channel's namespace. */
  onApplicationBootstrap(): void {
    this.controlChannel.watch();
  }

  /**
   * The channels asked for are checked as they are; the project's control channel is added after the check
   * (when the engine has its namespace), so that the engine counts and can cut this connection per project.
   */
  createConnectionToken(project: AuthenticatedProject, request: CreateTokenDto): TokenResponseDto {
    assertChannelsAllowed(project, request.channels ?? []);
    const channels = this.controlChannel.available ? [...(request.channels ?? []), controlChannel(project.projectId)] : request.channels;
    const claims = buildConnectionClaims({ ...request, channels }, connectionMeta(project.projectId, project.keyId), this.clock.now());
    const token = this.sign(claims);
    this.metrics.tokenMinted(project.projectSlug, 'connection');
    return { token, expiresInSeconds: effectiveTtl(request.ttlSeconds) };
  }

  createSubscriptionToken(project: AuthenticatedProject, request: CreateSubscriptionTokenDto): SubscriptionTokenResponseDto {
    assertChannelsAllowed(project, [request.channel]);
    const claims = buildSubscriptionClaims(request, this.clock.now());
    const token = this.sign(claims);
    this.metrics.tokenMinted(project.projectSlug, 'subscription');
    return { token, channel: request.channel, expiresInSeconds: effectiveTtl(request.ttlSeconds) };
  }

  /** HMAC signing is a few microseconds of CPU: done synchronously, without the async variant's stream machinery. */
  private sign(claims: object): string {
    if (!this.signingKey) {
      throw new ServiceUnavailableException(
        'Token signing is not configured: set CENTRIFUGO_TOKEN_HMAC_SECRET_KEY (or the legacy CENTRIFUGO_TOKEN_HMAC_SECRET).',
      );
    }
    return this.jwt.sign(claims, { privateKey: this.signingKey, algorithm: 'HS256' });
  }
}
