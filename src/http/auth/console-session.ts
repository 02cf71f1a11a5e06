import { ForbiddenException } from '@nestjs/common';
import { parseCookie } from 'cookie';
import type { CookieOptions, Request } from 'express';

/**
 * The console's session cookie and the rule that keeps it from being used by another site.
 *
 * The cookie is HttpOnly (no script reads it), SameSite=Strict (a browser sends it on requests from this
 * site only), Secure in production, and holds a random session id, never the admin key. A change made with
 * it (any method but GET and HEAD) must also prove it comes from the console: an `Origin` equal to the
 * service's own (as the app sees it, X-Forwarded-Proto and -Host honoured through TRUST_PROXY), and the
 * console's own header, which no HTML form can send and no other origin can add without a CORS preflight
 * that this service never grants. Either alone would do today; both are kept so that one browser bug or one
 * misconfigured proxy is not enough.
 */
export const SESSION_COOKIE = 'xshathra_console_session';
export const CONSOLE_HEADER = 'X-Xshathra-Console';

export const SESSION_ENDED_MESSAGE = 'Your console session has ended (signed out, expired, or its admin key revoked); sign in again.';
export const CROSS_ORIGIN_MESSAGE =
  "A change made with a console session must come from this service's own console (same Origin, with the X-Xshathra-Console header).";

export function readSessionCookie(request: Request): string | undefined {
  const header = request.headers.cookie;
  return header ? parseCookie(header)[SESSION_COOKIE] : undefined;
}

export function sessionCookieOptions(secure: boolean, expires?: Date): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure, path: '/', ...(expires ? { expires } : {}) };
}

/** This service's origin, as the client addressed it (scheme and host through TRUST_PROXY's hops only). */
export const ownOrigin = (request: Request) => `${request.protocol}://${request.host}`;

/** 403 unless a cookie-authenticated change comes from the console itself (see above). Reads pass. */
export function assertFromConsole(request: Request): void {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  if (request.get('origin') !== ownOrigin(request) || request.get(CONSOLE_HEADER) !== '1')
    throw new ForbiddenException(CROSS_ORIGIN_MESSAGE);
}

/** For sign-in (no cookie yet): a browser always sends Origin on a POST, and it must be ours; API clients send none. */
export function assertNotCrossOrigin(request: Request): void {
  const origin = request.get('origin');
  if (origin !== undefined && origin !== ownOrigin(request)) throw new ForbiddenException(CROSS_ORIGIN_MESSAGE);
}
