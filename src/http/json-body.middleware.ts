import { isUtf8 as isValidUtf8 } from 'node:buffer';
import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { parse as parseContentType } from 'content-type';
import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { httpConfig, type HttpConfig } from '../platform/config/app.config';

export type RequestWithRawBody = Request & { rawBody?: Buffer };

/**
 * Stands in for a body that was sent but not as UTF-8 JSON. The validation pipe answers it with 415 on routes
 * that read a body; an unknown route still answers 404, as the middleware cannot know which routes exist.
 */
export class NonJsonBody {
  constructor(readonly problem = 'Send the request body as JSON, with "Content-Type: application/json".') {}
}

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
      // Keep the exact bytes: publish forwards the body to the engine unchanged (no re-serialization). They
      // must be valid UTF-8: a decoder that replaced bad bytes could read other text than the engine does.
      verify: (request, _response, buffer) => {
        // Checked without decoding: the parser decodes the body once, after this.
        if (!isValidUtf8(buffer)) {
          throw Object.assign(new Error('The request body is not valid UTF-8.'), {
            status: 400,
            expose: true,
            type: 'entity.verify.failed',
          });
        }
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
    if (hasBody(request) && !isUtf8(request)) {
      // The parser would decode UTF-7 or UTF-16 into other text than the bytes the engine reads as UTF-8, and a
      // channel checked here would not be the channel published to.
      request.body = new NonJsonBody('Send the request body as JSON encoded in UTF-8 (charset=utf-8, or no charset).');
      return next();
    }
    this.parse(request, response, next);
  }
}

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

function isUtf8(request: Request): boolean {
  try {
    const charset = parseContentType(request.headers['content-type'] ?? '').parameters.charset?.toLowerCase();
    return charset === undefined || charset === 'utf-8' || charset === 'utf8';
  } catch {
    return false; // a Content-Type that does not parse says nothing we can trust
  }
}
