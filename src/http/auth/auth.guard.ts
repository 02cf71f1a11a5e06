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
import { AdminKeyAuthenticator } from '../../domain/access/admin-key.authenticator';
import { authConfig, type AuthConfig } from '../../platform/config/app.config';
import { parseAuthorizationHeader } from './authorization-header';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter';
import { ProjectRateLimit } from '../rate-limit/project-rate-limit';
import { ApiKeyAuthenticator } from '../../domain/access/api-key.authenticator';
import type { AuthenticatedRequest, Caller } from '../authenticated-request';
import { currentRequest } from '../request-context';
import { ENGINE_PROXY_SECRET_HEADER, isSharedSecret } from './shared-secret';
import { ROUTE_CALLER, type RouteCaller } from './route-access';
import { AdminSessions } from '../../domain/admin-keys/admin-sessions';
import { storeUnavailable } from '../../domain/access/access-caches';
import { assertFromConsole, readSessionCookie, SESSION_ENDED_MESSAGE } from './console-session';

/** One message for every refused key, so that a key's holder cannot learn whether it is unknown, revoked or disabled. */
export const INVALID_KEY_MESSAGE = 'Invalid API key: use an active server key (xs_sk_…) of an enabled project.';
const MISSING_KEY_MESSAGE = 'Missing or malformed Authorization header; send "Authorization: apikey <server key>".';
export const INVALID_ADMIN_KEY_MESSAGE = 'Invalid admin key: use an active admin key (xs_ak_…) in "Authorization: Bearer <admin key>".';

/**
 * The global guard: establishes who is calling (request.caller) according to the route's @CallableBy
 * metadata, and refuses everyone else. Routes without metadata need a server key. Why a key was refused goes
 * to the log only.
 *
 * Per client address (AuthFailureLimiter): an attempt with a key this instance does not know to be valid is
 * counted before its lookup, and refused with 429 once the address is past its limit, so that a burst of
 * wrong keys costs at most the limit's worth of lookups. A key accepted before is not blocked (a shared
 * egress must not lock out every backend behind it) but still checked. A wrong shared secret counts too; the
 * engine's hook checks its secret first and is never blocked, so that a blocked engine address cannot fail
 * every client-side subscription.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly adminKeys: AdminKeyAuthenticator,
    private readonly failures: AuthFailureLimiter,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly sessions: AdminSessions,
    private readonly projectRateLimit: ProjectRateLimit,
  ) {}

  /** Each handler's @CallableBy, read once: route metadata does not change while the app runs. */
  private readonly routeCallers = new WeakMap<object, RouteCaller>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.caller = await this.identify(this.routeCallerOf(context), request);
    if (request.caller.kind === 'project') await this.projectRateLimit.count(request.caller.project, context.switchToHttp().getResponse());
    return true;
  }

  private routeCallerOf(context: ExecutionContext): RouteCaller {
    const handler = context.getHandler();
    let routeCaller = this.routeCallers.get(handler);
    if (routeCaller === undefined) {
      routeCaller = this.reflector.getAllAndOverride<RouteCaller>(ROUTE_CALLER, [handler, context.getClass()]) ?? 'server-key';
      this.routeCallers.set(handler, routeCaller);
    }
    return routeCaller;
  }

  private identify(routeCaller: RouteCaller, request: AuthenticatedRequest): Promise<Caller> {
    const address = request.ip ?? 'unknown';
    switch (routeCaller) {
      case 'public':
        return Promise.resolve({ kind: 'public' });
      case 'engine':
        return this.identifyEngine(request, address);
      case 'metrics':
        return this.identifyScraper(request, address);
      case 'admin':
        return this.identifyAdmin(request, address);
      default:
        return this.identifyProject(request, address);
    }
  }

  /** Before looking up a key not known to be valid: 429 if the address is blocked, counted otherwise. */
  private async admit(address: string): Promise<void> {
    this.failures.assertNotBlocked(address);
    await this.failures.countAttempt(address);
  }

  private async identifyProject(request: AuthenticatedRequest, address: string): Promise<Caller> {
    const key = parseAuthorizationHeader(request.headers.authorization);
    const known = key !== undefined && this.authenticator.isKnownValid(key);
    if (!known) {
      // Joining a lookup already under way (and counted) causes no lookup: it is not counted again, so that a
      // backend's first burst with its key is not taken for guessing.
      if (key !== undefined && this.authenticator.isBeingLookedUp(key)) this.failures.assertNotBlocked(address);
      else await this.admit(address);
    }
    if (!key) throw new UnauthorizedException(MISSING_KEY_MESSAGE);
    const check = await this.authenticator.check(key);
    if (!check.ok) {
      // Only a well-formed key's display prefix is logged: anything else may be a secret pasted by mistake.
      this.logger.warn(`API key refused (${check.reason})${check.reason === 'malformed' ? '' : `: ${key.slice(0, 12)}…`}`);
      // A key known before and refused now (revoked): a failure like any other.
      if (known) await this.failures.countAttempt(address);
      throw new UnauthorizedException(INVALID_KEY_MESSAGE);
    }
    // Every later log line of this request says whose it was (ids only, never the key).
    currentRequest()?.assignCaller({ projectId: check.project.projectId, keyId: check.project.keyId });
    return { kind: 'project', project: check.project };
  }

  /**
   * An admin key in the Authorization header, or else the console's session cookie. A cookie-authenticated
   * change must come from the console itself (assertFromConsole), checked before the lookup; a refused
   * session counts against the address like a wrong key.
   */
  private async identifyAdmin(request: AuthenticatedRequest, address: string): Promise<Caller> {
    const sessionId = request.headers.authorization ? undefined : readSessionCookie(request);
    if (sessionId !== undefined) return this.identifySession(request, sessionId, address);
    const adminKeyId = await this.verifyAdminKey(parseAuthorizationHeader(request.headers.authorization), address);
    currentRequest()?.assignCaller({ adminKeyId });
    return { kind: 'admin', adminKeyId };
  }

  /** The admin key's id, or 401 (counted against the address as the guard counts every key); also for sign-in. */
  async verifyAdminKey(key: string | undefined, address: string): Promise<string> {
    const known = key !== undefined && this.adminKeys.isKnownValid(key);
    if (!known) await this.admit(address);
    if (!key) throw new UnauthorizedException(INVALID_ADMIN_KEY_MESSAGE);
    const adminKeyId = await this.adminKeys.check(key);
    if (!adminKeyId) {
      this.logger.warn('Admin key refused');
      if (known) await this.failures.countAttempt(address);
      throw new UnauthorizedException(INVALID_ADMIN_KEY_MESSAGE);
    }
    return adminKeyId;
  }

  private async identifySession(request: AuthenticatedRequest, sessionId: string, address: string): Promise<Caller> {
    this.failures.assertNotBlocked(address);
    assertFromConsole(request);
    const holder = await this.sessions.touch(sessionId).catch(() => {
      throw storeUnavailable();
    });
    if (!holder) {
      await this.failures.countAttempt(address);
      throw new UnauthorizedException(SESSION_ENDED_MESSAGE);
    }
    currentRequest()?.assignCaller({ adminKeyId: holder.adminKeyId });
    return { kind: 'admin', adminKeyId: holder.adminKeyId, session: { sessionId, ...holder } };
  }

  private async identifyScraper(request: AuthenticatedRequest, address: string): Promise<Caller> {
    this.failures.assertNotBlocked(address);
    const token = this.config.metricsToken;
    // Unset: metrics are off, and the route answers like any unknown one.
    if (!token) throw new NotFoundException(`No route for ${request.method} ${request.path}.`);
    if (!isSharedSecret(parseAuthorizationHeader(request.headers.authorization), token)) {
      await this.failures.countAttempt(address);
      throw new UnauthorizedException('Missing or wrong metrics token.');
    }
    return { kind: 'metrics' };
  }

  /** Never blocked per address: the secret is checked first, and only a wrong one counts. */
  private async identifyEngine(request: AuthenticatedRequest, address: string): Promise<Caller> {
    const secret = this.config.engineProxySecret;
    // Unset: nobody can prove to be the engine, so every engine call is refused (fail closed), visibly.
    if (!secret) throw new ServiceUnavailableException('The engine proxy is not configured: set ENGINE_PROXY_SECRET.');
    if (!isSharedSecret(request.headers[ENGINE_PROXY_SECRET_HEADER], secret)) {
      await this.failures.countAttempt(address);
      throw new UnauthorizedException('Missing or wrong engine proxy secret.');
    }
    return { kind: 'engine' };
  }
}
