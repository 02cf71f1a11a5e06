import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { NonJsonBody } from '../../http/json-body.middleware';
import {
  ApiBody,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AdminSessions } from '../../domain/admin-keys/admin-sessions';
import { AuthGuard } from '../../http/auth/auth.guard';
import { parseAuthorizationHeader } from '../../http/auth/authorization-header';
import { assertNotCrossOrigin, readSessionCookie, SESSION_COOKIE, sessionCookieOptions } from '../../http/auth/console-session';
import { AdminRoute, PublicRoute } from '../../http/auth/route-access';
import type { AuthenticatedRequest } from '../../http/authenticated-request';
import { ErrorResponseDto } from '../../http/error-response.dto';
import { sessionConfig, type SessionConfig } from '../../platform/config/app.config';
import { SessionDto, SignInDto } from './dto/session.dto';

/** The key in a sign-in body, if any: the body is optional (the key may come as Bearer), but never anything else. */
function adminKeyIn(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (body instanceof NonJsonBody) throw new UnsupportedMediaTypeException(body.problem);
  const { adminKey, ...rest } = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { '': body }) as Record<
    string,
    unknown
  >;
  if (Object.keys(rest).length > 0 || (adminKey !== undefined && typeof adminKey !== 'string'))
    throw new BadRequestException('The request body must be {"adminKey": "xs_ak_…"}, or empty with "Authorization: Bearer <admin key>".');
  return adminKey;
}

/**
 * The console's sign-in: an admin key, checked once (and counted against the address like any key), is
 * exchanged for a session cookie (see console-session.ts for its attributes and the origin rule); the key
 * itself is never kept by the browser. Sign-out ends the session in the database, not only in the browser.
 */
@ApiTags('admin')
@Controller('api/admin/session')
export class AdminSessionController {
  constructor(
    private readonly sessions: AdminSessions,
    private readonly guard: AuthGuard,
    @Inject(sessionConfig.KEY) private readonly config: SessionConfig,
  ) {}

  @Post()
  @PublicRoute()
  @HttpCode(200)
  @ApiOkResponse({
    type: SessionDto,
    description: 'Signed in: the session cookie is set (HttpOnly, SameSite=Strict, Secure in production).',
  })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Not an active admin key.' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'From a page of another origin.' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many failed authentications from this address.' })
  @ApiBody({ type: SignInDto, required: false })
  async signIn(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionDto> {
    assertNotCrossOrigin(request);
    const key = adminKeyIn(request.body) ?? parseAuthorizationHeader(request.headers.authorization);
    const adminKeyId = await this.guard.verifyAdminKey(key, request.ip ?? 'unknown');
    const { sessionId, expiresAt } = await this.sessions.start(adminKeyId);
    response.cookie(SESSION_COOKIE, sessionId, sessionCookieOptions(this.config.isProduction, expiresAt));
    return { adminKeyId, expiresAt: expiresAt.toISOString(), idleMinutes: this.config.adminSessionIdleMinutes };
  }

  @Get()
  @AdminRoute()
  @ApiOkResponse({ type: SessionDto, description: 'Who is signed in (or whose admin key this is).' })
  whoAmI(@Req() request: AuthenticatedRequest): SessionDto {
    const caller = request.caller as Extract<AuthenticatedRequest['caller'], { kind: 'admin' }>;
    return {
      adminKeyId: caller.adminKeyId,
      adminKeyName: caller.session?.adminKeyName,
      expiresAt: caller.session?.expiresAt.toISOString(),
      idleMinutes: this.config.adminSessionIdleMinutes,
    };
  }

  @Delete()
  @AdminRoute()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Signed out: the session is ended on the server and the cookie cleared.' })
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const sessionId = readSessionCookie(request);
    if (sessionId !== undefined) await this.sessions.end(sessionId);
    response.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.config.isProduction));
  }
}
