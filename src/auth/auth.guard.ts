import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PinoLogger } from 'nestjs-pino';
import { AdminKeyAuthenticator } from '../admin/admin-key.authenticator';
import { RetryAfterException } from '../common/retry-after.exception';
import { authConfig, type AuthConfig } from '../config/app.config';
import { parseAuthorizationHeader } from './authorization-header';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import type { AuthenticatedRequest, Caller } from './authenticated-request';
import { ENGINE_PROXY_SECRET_HEADER, isSharedSecret } from './shared-secret';
import { ROUTE_CALLER, type RouteCaller } from './route-access';

/** One message for every refused key, so that a key's holder cannot learn whether it is unknown, revoked or disabled. */
export const INVALID_KEY_MESSAGE = 'Invalid API key: use an active server key (xs_sk_…) of an enabled project.';
const MISSING_KEY_MESSAGE = 'Missing or malformed Authorization header; send "Authorization: apikey <server key>".';
export const INVALID_ADMIN_KEY_MESSAGE = 'Invalid admin key: use an active admin key (xs_ak_…) in "Authorization: Bearer <admin key>".';

/**
 * The global guard: establishes who is calling (request.caller) according to the route's @CallableBy
 * metadata, and refuses everyone else. Routes without metadata need a server key. Failed attempts count
 * against the client address (AuthFailureLimiter); why a key was refused goes to the log only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly adminKeys: AdminKeyAuthenticator,
    private readonly failures: AuthFailureLimiter,
    private readonly requestLog: PinoLogger,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const routeCaller =
      this.reflector.getAllAndOverride<RouteCaller>(ROUTE_CALLER, [context.getHandler(), context.getClass()]) ?? 'server-key';
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.caller = await this.identify(routeCaller, request);
    return true;
  }

  private async identify(routeCaller: RouteCaller, request: AuthenticatedRequest): Promise<Caller> {
    if (routeCaller === 'public') return { kind: 'public' };
    const address = request.ip ?? 'unknown';
    this.failures.assertNotBlocked(address);
    try {
      if (routeCaller === 'engine') return this.identifyEngine(request);
      if (routeCaller === 'metrics') return this.identifyScraper(request);
      if (routeCaller === 'admin') return await this.identifyAdmin(request);
      return await this.identifyProject(request);
    } catch (error) {
      if (error instanceof UnauthorizedException) await this.failures.recordFailure(address);
      throw error;
    }
  }

  private async identifyProject(request: AuthenticatedRequest): Promise<Caller> {
    const key = parseAuthorizationHeader(request.headers.authorization);
    if (!key) throw new UnauthorizedException(MISSING_KEY_MESSAGE);
    const check = await this.authenticator.check(key);
    if (!check.ok) {
      // Only a well-formed key's display prefix is logged: anything else may be a secret pasted by mistake.
      this.logger.warn(`API key refused (${check.reason})${check.reason === 'malformed' ? '' : `: ${key.slice(0, 12)}…`}`);
      throw new UnauthorizedException(INVALID_KEY_MESSAGE);
    }
    // Every later log line of this request says whose it was (ids only, never the key).
    this.requestLog.assign({ projectId: check.project.projectId, keyId: check.project.keyId });
    return { kind: 'project', project: check.project };
  }

  private async identifyAdmin(request: AuthenticatedRequest): Promise<Caller> {
    const key = parseAuthorizationHeader(request.headers.authorization);
    if (!key) throw new UnauthorizedException(INVALID_ADMIN_KEY_MESSAGE);
    const adminKeyId = await this.adminKeys.check(key).catch(() => {
      throw new RetryAfterException(503, 'The key store is unavailable; retry shortly.', 2);
    });
    if (!adminKeyId) {
      this.logger.warn('Admin key refused');
      throw new UnauthorizedException(INVALID_ADMIN_KEY_MESSAGE);
    }
    this.requestLog.assign({ adminKeyId });
    return { kind: 'admin', adminKeyId };
  }

  private identifyScraper(request: AuthenticatedRequest): Caller {
    const token = this.config.metricsToken;
    // Unset: metrics are off, and the route answers like any unknown one.
    if (!token) throw new NotFoundException(`No route for ${request.method} ${request.path}.`);
    if (!isSharedSecret(parseAuthorizationHeader(request.headers.authorization), token))
      throw new UnauthorizedException('Missing or wrong metrics token.');
    return { kind: 'metrics' };
  }

  private identifyEngine(request: AuthenticatedRequest): Caller {
    const secret = this.config.engineProxySecret;
    // Unset: nobody can prove to be the engine, so every engine call is refused (fail closed), visibly.
    if (!secret) throw new ServiceUnavailableException('The engine proxy is not configured: set ENGINE_PROXY_SECRET.');
    if (!isSharedSecret(request.headers[ENGINE_PROXY_SECRET_HEADER], secret)) {
      throw new UnauthorizedException('Missing or wrong engine proxy secret.');
    }
    return { kind: 'engine' };
  }
}
