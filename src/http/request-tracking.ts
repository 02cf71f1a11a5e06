import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { Metrics } from '../platform/metrics/metrics';
import type { AuthenticatedRequest } from './authenticated-request';
import { loggedRequest, requestIdFor, requestLogLevel } from './logging';
import { RequestContext, runInRequest } from './request-context';

/**
 * The first step of every request: its id (X-Request-Id in and out), its context (read by every log line, see
 * request-context.ts), and one hook when it ends that writes its log line and records its metrics together.
 *
 * The line is pino-http's, field for field: `request completed` (`request errored` for a 5xx, with the status
 * in `err`), the response's status, the time taken in ms; written when the response closes, so that a request
 * the client gave up on is logged too (its metrics are not: they count answers).
 */
@Injectable()
export class RequestTracking {
  private readonly logger: Logger;

  constructor(
    private readonly metrics: Metrics,
    // Injected so that nestjs-pino has built its root logger (the one Nest logs through) before it is read here.
    _pino: PinoLogger,
  ) {
    this.logger = PinoLogger.root;
  }

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = Date.now();
    const started = performance.now();
    const context = new RequestContext(loggedRequest(request, requestIdFor(request, response)));
    response.once('close', () => {
      const { statusCode } = response;
      if (response.writableFinished) this.recordMetrics(request as AuthenticatedRequest, statusCode, (performance.now() - started) / 1000);
      this.writeLogLine(context, statusCode, Date.now() - startedAt);
    });
    runInRequest(context, next);
  };

  private writeLogLine(context: RequestContext, statusCode: number, responseTime: number): void {
    const level = requestLogLevel(context.req.url, statusCode);
    if (!this.logger.isLevelEnabled(level)) return;
    // Logged inside the request's context: the mixin adds the request and its caller's ids.
    runInRequest(context, () => {
      if (statusCode >= 500) {
        const err = { message: `failed with status code ${statusCode}` };
        this.logger[level]({ res: { statusCode }, err, responseTime }, 'request errored');
      } else {
        this.logger[level]({ res: { statusCode }, responseTime }, 'request completed');
      }
    });
  }

  private recordMetrics(request: AuthenticatedRequest, status: number, seconds: number): void {
    const { caller } = request;
    this.metrics.requestFinished({
      method: request.method,
      route: routeOf(request),
      status,
      project: caller?.kind === 'project' ? caller.project.projectSlug : '',
      seconds,
    });
  }
}

/**
 * The route label: the matched route's pattern (never the raw URL, which would make a series per id); /realtime
 * and unknown paths are grouped.
 */
function routeOf(request: Request): string {
  const pattern = (request.route as { path?: string } | undefined)?.path;
  // Module middleware bound to every path (`{/*splat}`) leaves its catch-all as req.route when no
  // controller route follows; the controllers' own patterns never hold a wildcard.
  if (pattern && !pattern.includes('*')) return pattern;
  return request.originalUrl.startsWith('/realtime/') ? '/realtime/*' : 'unmatched';
}
