import { createSecretKey } from 'node:crypto';
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
   * @nestjs/jwt's service, made here with the key and the algorithm as its own options, rather than given them
   * on every call: per call it copies and deletes option fields (`mergeJwtOptions`, a few % of the token route).
   * The key is a key object made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
   * private key and then builds a secret key, on every call (about a tenth of the token route's time,
   * bench/findings.md). Unset without a secret. Private to this class, the one holder of the secret.
   */
  private readonly jwt?: JwtService;

  constructor(@Inject(tokensConfig.KEY) config: TokensConfig) {
    if (config.tokenHmacSecret) {
      const privateKey = createSecretKey(Buffer.from(config.tokenHmacSecret, 'utf8'));
      this.jwt = new JwtService({ privateKey, signOptions: { algorithm: 'HS256' } });
    }
  }

  /** HMAC signing is a few microseconds of CPU: done synchronously, without the async variant's stream machinery. */
  sign(claims: object): string {
    if (!this.jwt) {
      throw new ServiceUnavailableException(
        'Token signing is not configured: set CENTRIFUGO_TOKEN_HMAC_SECRET_KEY (or the legacy CENTRIFUGO_TOKEN_HMAC_SECRET).',
      );
    }
    return this.jwt.sign(claims);
  }
}
