import { HttpException } from '@nestjs/common';

/** An error the caller should retry later (429, 503): the error filter sends `Retry-After` with it. */
export class RetryAfterException extends HttpException {
  constructor(
    status: 429 | 503,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, status);
  }
}
