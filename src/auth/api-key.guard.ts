import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { parseAuthorizationHeader } from '../projects/api-key';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import type { KeyRejection } from './authenticated-project';
import { PROJECT_REQUEST_KEY } from './current-project.decorator';
import { IS_PUBLIC } from './public.decorator';

const REJECTION_MESSAGES: Record<KeyRejection, string> = {
  unknown: 'Unknown API key.',
  revoked: 'This API key has been revoked.',
  'client-key': 'A client key cannot call the server API; use a server key (xs_sk_…).',
  'project-disabled': 'This project is disabled.',
};

/** Global guard: every route needs an active server key of an enabled project unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<Request>();
    const key = parseAuthorizationHeader(request.headers.authorization);
    if (!key) {
      throw new UnauthorizedException('Missing or malformed Authorization header; send "Authorization: apikey <server key>".');
    }
    const check = await this.authenticator.check(key);
    if (!check.ok) throw new UnauthorizedException(REJECTION_MESSAGES[check.reason]);
    (request as unknown as Record<string, unknown>)[PROJECT_REQUEST_KEY] = check.project;
    return true;
  }
}
