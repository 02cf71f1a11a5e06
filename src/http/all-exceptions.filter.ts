import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { DebugFeed } from '../domain/live/debug-feed';
import type { AuthenticatedRequest } from './authenticated-request';
import { errorBody, type ErrorBody } from './error-body';
import { RetryAfterException } from '../platform/retry-after.exception';

/** Errors raised by the body parser carry a `type` (see the body-parser README). */
interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
  message: string;
}

/**
 * The one place that shapes errors: `{statusCode, error, details?}` for everything this service answers
 * itself. Unexpected failures become a bare 500 and are logged here; nothing internal reaches the client.
 * A 4xx answered to a project's key also goes to that project's debug feed, while a console watches it.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('AllExceptionsFilter');

  constructor(private readonly debug?: DebugFeed) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    if (body.statusCode < 500) this.toDebugFeed(host.switchToHttp().getRequest<AuthenticatedRequest>(), body);
    if (exception instanceof RetryAfterException) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    response.status(body.statusCode).json(body);
  }

  private toDebugFeed(request: AuthenticatedRequest, body: ErrorBody): void {
    const caller = request.caller;
    if (caller?.kind !== 'project' || !this.debug?.isWatched(caller.project.projectId)) return;
    const message = body.details?.length ? `${body.error} ${body.details.join(' ')}` : body.error;
    this.debug.record(caller.project.projectId, {
      type: 'refused-request',
      method: request.method,
      path: request.path,
      status: body.statusCode,
      message,
    });
  }

  private toBody(exception: unknown): ErrorBody {
    // Nest wraps body-parser errors in an HttpException whose `cause` is the original error.
    const parserError =
      fromBodyParserError(exception as BodyParserError) ?? fromBodyParserError((exception as { cause?: BodyParserError })?.cause);
    if (parserError) return parserError;
    if (exception instanceof HttpException) return fromHttpException(exception);
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error.');
  }
}

function fromHttpException(exception: HttpException): ErrorBody {
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'string') return errorBody(statusCode, response);
  const { message, details } = response as { message?: unknown; details?: unknown };
  const error = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return errorBody(
    statusCode,
    statusCode === 404 ? notFoundMessage(error) : error,
    Array.isArray(details) ? (details as string[]) : undefined,
  );
}

/** Nest's router says "Cannot GET /x"; say it as a sentence. */
function notFoundMessage(error: string): string {
  const match = /^Cannot (\w+) (.*)$/.exec(error);
  return match ? `No route for ${match[1]} ${match[2]}.` : error;
}

function fromBodyParserError(error: BodyParserError | null | undefined): ErrorBody | undefined {
  if (!error || typeof error !== 'object' || typeof error.type !== 'string') return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return errorBody(400, 'The request body is not valid JSON.');
    case 'entity.too.large':
      return errorBody(413, `The request body is larger than the ${error.limit} byte limit.`);
    default:
      // Other parser errors (unsupported charset, aborted request…) are the client's and safe to expose.
      if (error.expose && error.status && error.status >= 400 && error.status < 500) {
        return errorBody(error.status, error.message);
      }
      return undefined;
  }
}
