import { CanActivate, ExecutionContext, Inject, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { appConfig, type AppConfig } from '../config/app.config';
import { parseAuthorizationHeader } from '../projects/api-key';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import type { AuthenticatedRequest, Caller, KeyRejection } from './authenticated-request';
import { ENGINE_PROXY_SECRET_HEADER, isEngineProxySecret } from './engine-proxy-secret';
import { ROUTE_CALLER, type RouteCaller } from './route-access';

const REJECTION_MESSAGES: Record<KeyRejection, string> = {
  unknown: 'Unknown API key.',
  revoked: 'This API key has been revoked.',
  'client-key': 'A client key cannot call the server API; use a server key (xs_sk_…).',
  'project-disabled': 'This project is disabled.',
};

/**
 * The global guard: establishes who is calling (request.caller) according to the route's @CallableBy
 * metadata, and refuses everyone else. Routes without metadata need a server key.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const routeCaller = this.reflector.getAllAndOverride<RouteCaller>(ROUTE_CALLER, [context.getHandler(), context.getClass()]) ?? 'server-key';
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.caller = await this.identify(routeCaller, request);
    return true;
  }

  private async identify(routeCaller: RouteCaller, request: AuthenticatedRequest): Promise<Caller> {
    switch (routeCaller) {
      case 'public':
        return { kind: 'public' };
      case 'engine':
        return this.identifyEngine(request);
      case 'server-key':
        return this.identifyProject(request);
    }
  }

  private async identifyProject(request: AuthenticatedRequest): Promise<Caller> {
    const key = parseAuthorizationHeader(request.headers.authorization);
    if (!key) {
      throw new UnauthorizedException('Missing or malformed Authorization header; send "Authorization: apikey <server key>".');
    }
    const check = await this.authenticator.check(key);
    if (!check.ok) throw new UnauthorizedException(REJECTION_MESSAGES[check.reason]);
    return { kind: 'project', project: check.project };
  }

  private identifyEngine(request: AuthenticatedRequest): Caller {
    const secret = this.config.engineProxySecret;
    // Unset: nobody can prove to be the engine, so every engine call is refused (fail closed), visibly.
    if (!secret) throw new ServiceUnavailableException('The engine proxy is not configured: set ENGINE_PROXY_SECRET.');
    if (!isEngineProxySecret(request.headers[ENGINE_PROXY_SECRET_HEADER], secret)) {
      throw new UnauthorizedException('Missing or wrong engine proxy secret.');
    }
    return { kind: 'engine' };
  }
}
