import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedRequest } from './authenticated-request';
import { Metrics } from '../platform/metrics/metrics';

/**
 * Times every HTTP request and counts 4xx answers per project. The route label is the matched route's
 * pattern (never the raw URL, which would make a series per id); /realtime and unknown paths are grouped.
 */
@Injectable()
export class RequestMetrics {
  constructor(private readonly metrics: Metrics) {}

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.once('finish', () => {
      const { caller } = request as AuthenticatedRequest;
      this.metrics.requestFinished({
        method: request.method,
        route: routeOf(request),
        status: response.statusCode,
        project: caller?.kind === 'project' ? caller.project.projectSlug : '',
        seconds: (performance.now() - started) / 1000,
      });
    });
    next();
  };
}

function routeOf(request: Request): string {
  const pattern = (request.route as { path?: string } | undefined)?.path;
  // Module middleware bound to every path (`{/*splat}`) leaves its catch-all as req.route when no
  // controller route follows; the controllers' own patterns never hold a wildcard.
  if (pattern && !pattern.includes('*')) return pattern;
  return request.originalUrl.startsWith('/realtime/') ? '/realtime/*' : 'unmatched';
}
