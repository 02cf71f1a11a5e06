import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { httpConfig, type HttpConfig } from '../config/app.config';

export type RequestWithRawBody = Request & { rawBody?: Buffer };

/**
 * Stands in for a body that was sent but not as JSON. The validation pipe answers it with 415 on routes that
 * read a body; an unknown route still answers 404, as the middleware cannot know which routes exist.
 */
export class NonJsonBody {}

/**
 * The JSON body parser, registered as module middleware (after the request logger) rather than by Nest at
 * bootstrap, so that requests refused by the parser (invalid JSON, too large) are logged like any other.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: RequestHandler;

  constructor(@Inject(httpConfig.KEY) config: HttpConfig) {
    this.parse = json({
      limit: config.bodyLimitBytes,
      // Keep the exact bytes: publish forwards the body to the engine unchanged (no re-serialization).
      verify: (request, _response, buffer) => {
        (request as RequestWithRawBody).rawBody = buffer;
      },
    });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    if (hasBody(request) && !request.is('application/json')) {
      // Without this, a form-encoded body would arrive as {} and the caller would get confusing field errors.
      request.body = new NonJsonBody();
      return next();
    }
    this.parse(request, response, next);
  }
}

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}
