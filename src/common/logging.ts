import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';

const SECRET_QUERY_PARAM = /token|key|secret|password|auth/i;

/** The URL with the value of any query parameter that looks like a credential replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  const [path, query] = url.split('?', 2);
  const params = new URLSearchParams(query);
  for (const name of [...params.keys()]) {
    if (SECRET_QUERY_PARAM.test(name)) params.set(name, 'REDACTED');
  }
  return `${path}?${params.toString()}`;
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
