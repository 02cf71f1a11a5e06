import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthenticatedProject } from '../auth/authenticated-request';
import { tokensConfig, type TokensConfig } from '../config/app.config';
import { Clock } from '../common/clock';
import { Metrics } from '../metrics/metrics';
import { assertChannelsAllowed } from '../tenancy/channel-access';
import { connectionMeta } from '../tenancy/connection-meta';
import { buildConnectionClaims, buildSubscriptionClaims, effectiveTtl } from './claims';
import { CreateSubscriptionTokenDto, SubscriptionTokenResponseDto } from './dto/create-subscription-token.dto';
import { CreateTokenDto, TokenResponseDto } from './dto/create-token.dto';

/** Signs HS256 JWTs for Centrifugo with the deployment's HMAC secret, for channels inside the project's policy. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    @Inject(tokensConfig.KEY) private readonly config: TokensConfig,
  ) {}

  async createConnectionToken(project: AuthenticatedProject, request: CreateTokenDto): Promise<TokenResponseDto> {
    assertChannelsAllowed(project, request.channels ?? []);
    const claims = buildConnectionClaims(request, connectionMeta(project.projectId), this.clock.now());
    const token = await this.sign(claims);
    this.metrics.tokenMinted(project.projectSlug, 'connection');
    return { token, expiresInSeconds: effectiveTtl(request.ttlSeconds) };
  }

  async createSubscriptionToken(project: AuthenticatedProject, request: CreateSubscriptionTokenDto): Promise<SubscriptionTokenResponseDto> {
    assertChannelsAllowed(project, [request.channel]);
    const claims = buildSubscriptionClaims(request, this.clock.now());
    const token = await this.sign(claims);
    this.metrics.tokenMinted(project.projectSlug, 'subscription');
    return { token, channel: request.channel, expiresInSeconds: effectiveTtl(request.ttlSeconds) };
  }

  private sign(claims: object): Promise<string> {
    const secret = this.config.tokenHmacSecret;
    if (!secret) {
      throw new ServiceUnavailableException(
        'Token signing is not configured: set CENTRIFUGO_TOKEN_HMAC_SECRET_KEY (or the legacy CENTRIFUGO_TOKEN_HMAC_SECRET).',
      );
    }
    return this.jwt.signAsync(claims, { secret, algorithm: 'HS256' });
  }
}
