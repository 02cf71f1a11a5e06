import { BadGatewayException, GatewayTimeoutException, type HttpException } from '@nestjs/common';

/**
 * The one mapping of a failed engine call to what the caller gets, for the HTTP client (publish, health) and
 * the /realtime proxy alike: too slow → 504, anything else (refused, reset, unresolvable) → 502.
 */
export function engineFailure(error: unknown, timeoutMs: number): HttpException {
  return isTimeout(error)
    ? new GatewayTimeoutException(`The realtime engine did not answer within ${timeoutMs} ms.`)
    : new BadGatewayException('The realtime engine is unreachable.');
}

/** Timeouts as the proxy (http-proxy) and the engine client (undici: connect, headers or body) report them. */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function isTimeout(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (code !== undefined && TIMEOUT_CODES.has(code)) || /timeout/i.test(message ?? '');
}
