import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { RequestWithRawBody } from './json-body.middleware';

/** The request body exactly as received (set by JsonBodyMiddleware for JSON requests). */
export const RawBody = createParamDecorator(
  (_: unknown, context: ExecutionContext): Buffer => context.switchToHttp().getRequest<RequestWithRawBody>().rawBody ?? Buffer.alloc(0),
);
