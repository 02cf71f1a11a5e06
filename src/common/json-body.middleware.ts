import { Inject, Injectable, NestMiddleware, UnsupportedMediaTypeException } from '@nestjs/common';
import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { appConfig, type AppConfig } from '../config/app.config';

export type RequestWithRawBody = Request & { rawBody?: Buffer };

/**
 * The JSON body parser, registered as module middleware (after the request logger) rather than by Nest at
 * bootstrap, so that requests refused by the parser (invalid JSON, too large) are logged like any other.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: RequestHandler;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
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
      throw new UnsupportedMediaTypeException('Send the request body as JSON, with "Content-Type: application/json".');
    }
    this.parse(request, response, next);
  }
}

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}
