import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { appConfig, type AppConfig } from '../config/app.config';

/**
 * The JSON body parser, registered as module middleware (after the request logger) rather than by Nest at
 * bootstrap, so that requests refused by the parser (invalid JSON, too large) are logged like any other.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: RequestHandler;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.parse = json({ limit: config.bodyLimitBytes });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    this.parse(request, response, next);
  }
}
