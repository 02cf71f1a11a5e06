import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';

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
  for (const [name, value] of new URLSearchParams(url.slice(start + 1))) logged.append(name, LOGGED_QUERY_PARAMS.has(name) ? value : 'REDACTED');
  return `${url.slice(0, start)}?${logged.toString()}`;
}

/** pino-http options: one JSON line per request; credentials never written. */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      // Headers are not logged at all (see the req serializer); these paths guard any future change.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: {
        // pino-http hands serializers its own view of the request (id, method, url, headers, remoteAddress).
        req: (req: { id?: unknown; method?: string; url?: string; headers?: IncomingMessage['headers']; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          userAgent: req.headers?.['user-agent'],
          remoteAddress: req.remoteAddress,
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        // pino-http attaches a synthetic error to every 5xx line; its stack says nothing. Real failures are
        // logged with their stack by HttpExceptionFilter.
        err: (error: Error) => ({ type: error.name, message: error.message }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    },
  };
}
