import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { tokensConfig, type TokensConfig } from '../config/app.config';

/**
 * Signs HS256 JWTs for the engine with the deployment's HMAC secret: the one place that holds the secret
 * (project tokens and the console's debug-feed token alike). Without a secret every signature is a 503.
 */
@Injectable()
export class TokenSigner {
  /**
   * The secret as a key object, made once: given a string, jsonwebtoken first tries (and fails) to parse it as
   * a private key and then builds a secret key, on every call: about a tenth of the token route's time
   * (bench/findings.md).
   */
  private readonly signingKey?: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    @Inject(tokensConfig.KEY) config: TokensConfig,
  ) {
    if (config.tokenHmacSecret) this.signingKey = createSecretKey(Buffer.from(config.tokenHmacSecret, 'utf8'));
  }

  /** HMAC signing is a few microseconds of CPU: done synchronously, without the async variant's stream machinery. */
  sign(claims: object): string {
    if (!this.signingKey) {
      throw new ServiceUnavailableException(
        'Token signing is not configured: set CENTRIFUGO_TOKEN_HMAC_SECRET_KEY (or the legacy CENTRIFUGO_TOKEN_HMAC_SECRET).',
      );
    }
    return this.jwt.sign(claims, { privateKey: this.signingKey, algorithm: 'HS256' });
  }
}
