import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { destination, stdSerializers } from 'pino';
import type { HttpConfig } from '../platform/config/app.config';
import { currentRequest, type LoggedRequest } from './request-context';

/**
 * Query parameters whose values are logged: known to carry nothing secret (Centrifugo's transport options).
 * Every other value is replaced, because a credential can hide in any of them (`cf_connect` carries a
 * whole connect command, token included).
 */
const LOGGED_QUERY_PARAMS = new Set(['cf_protocol', 'cf_ws_frame_ping_pong', 'format', 'encoding']);

/** The URL with every query value that is not allowlisted replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  const start = url?.indexOf('?') ?? -1;
  if (!url || start === -1) return url;
  const logged = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(url.slice(start + 1)))
    logged.append(name, LOGGED_QUERY_PARAMS.has(name) ? value : 'REDACTED');
  return `${url.slice(0, start)}?${logged.toString()}`;
}

/** What an incoming X-Request-Id may look like to be kept (anything else is replaced, not logged). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is a sane one, else a new UUID; echoed in the response either way. */
export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** The request as every line of it shows it: its id, method, URL (query values redacted), client and address. */
export function loggedRequest(request: IncomingMessage & { ip?: string }, id: string): LoggedRequest {
  return {
    id,
    method: request.method,
    url: redactUrl(request.url),
    userAgent: request.headers['user-agent'],
    // The client's address as Express resolves it (TRUST_PROXY), as rate limits count it; not the proxy's.
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
  };
}

/** A raw request's id for its line: the one RequestTracking echoed, when it has run. */
function requestIdOf(request: IncomingMessage & { res?: ServerResponse }): string {
  const echoed = request.res?.getHeader('X-Request-Id');
  return typeof echoed === 'string' ? echoed : '';
}

/**
 * The logger's options: JSON lines, credentials never written (no header is ever logged). Every line logged
 * while a request is served carries that request (`req`) and, once AuthGuard knows them, its project and key
 * ids: a pino `mixin` reads them from the request's context (request-context.ts). The line that closes a
 * request is written by RequestTracking. nestjs-pino builds the logger (through pino-http, whose per-request
 * middleware is not mounted: `forRoutes: []`) and hands it to Nest.
 */
export async function loggerParams(config: Pick<HttpConfig, 'logLevel' | 'logFormat'>): Promise<Params> {
  const options = {
    level: config.logLevel,
    mixin: () => currentRequest()?.logFields() ?? {},
    // The request is logged as it is already shaped (LoggedRequest); pino-http's own wrapping is off.
    wrapSerializers: false,
    serializers: {
      // Whatever is logged under `req` or `res` shows no header: a raw request or response logged by mistake is
      // reduced to the request log's own view of it, so that no key, cookie or token can reach a line. (This
      // replaces pino's path redaction, which cloned every line to look for headers no line holds: a few % of
      // the token route, bench/findings.md.)
      req: (req: unknown) => (req instanceof IncomingMessage ? loggedRequest(req, requestIdOf(req)) : req),
      res: (res: unknown) => (res instanceof ServerResponse ? { statusCode: res.statusCode } : res),
      // pino-http attaches a synthetic error to every 5xx line; its stack says nothing. Real failures are logged
      // with their stack by AllExceptionsFilter. Pino's standard serializer runs first (as pino-http always had
      // it), so `type` appears only where an error has its own `name` field.
      err: stdSerializers.wrapErrorSerializer((error: { name?: string; message?: string }) => ({
        type: error.name,
        message: error.message,
      })),
    },
  };
  return {
    forRoutes: [],
    // Development only (`npm run dev`): one short readable line per entry instead of JSON.
    pinoHttp: [options, config.logFormat === 'pretty' ? await prettyStream() : standardOutput()],
  };
}

/** The most bytes of log lines handed to one write() (pino's default writer stops at 16 KiB). */
const MAX_LOG_WRITE_BYTES = 1024 * 1024;

/**
 * Standard output, written asynchronously as pino's default is, but with whatever lines are waiting in one
 * write(). With pino's default of 16 KiB per write, one write in flight at a time, the writer fell behind at
 * ~10,000 lines a second: the waiting lines piled up in memory (RSS grew by ~1.5 MiB/s over a soak) and
 * reached the log seconds late (bench/findings.md). Lines still left when the process exits are flushed
 * (pino does that for the destinations it builds).
 */
function standardOutput() {
  return destination({ dest: process.stdout.fd, sync: false, maxWrite: MAX_LOG_WRITE_BYTES });
}

/** The level of the line that closes a request: error for a 5xx, warn for a 4xx (but a missing favicon), else info. */
export function requestLogLevel(url: string | undefined, statusCode: number): 'error' | 'warn' | 'info' {
  return statusCode >= 500 ? 'error' : statusCode >= 400 && !isFaviconMiss(url, statusCode) ? 'warn' : 'info';
}

/** Browsers ask every site for /favicon.ico: its 404 is expected, not a warning. */
const isFaviconMiss = (url: string | undefined, statusCode: number) => statusCode === 404 && url === '/favicon.ico';

/** Entry fields the pretty line shows in its own words (or not at all): the rest is printed after it. */
const SHOWN_FIELDS = 'pid,hostname,req,res,responseTime,projectId,keyId,adminKeyId,context';

interface PrettyEntry {
  req?: { id?: string; method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  projectId?: string;
  context?: string;
}

/**
 * `npm run dev`'s readable lines, in this thread (a transport's worker could not take the format function):
 * a request is `POST /api/realtime/token 200 4ms project <id> <request id>`; anything else `[Context] message`.
 */
async function prettyStream() {
  // A development dependency: loaded only when asked for, so that a production install needs none.
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    sync: true,
    singleLine: true,
    translateTime: 'HH:MM:ss',
    ignore: SHOWN_FIELDS,
    messageFormat: (entry, messageKey) => {
      const { req, res, responseTime, projectId, context } = entry as PrettyEntry;
      const message = entry[messageKey];
      if (req && res)
        return `${req.method} ${req.url} ${res.statusCode} ${Math.round(responseTime ?? 0)}ms${projectId ? ` project ${projectId}` : ''} ${req.id}`;
      return `${context ? `[${context}] ` : ''}${typeof message === 'string' ? message : JSON.stringify(message)}`;
    },
  });
}
