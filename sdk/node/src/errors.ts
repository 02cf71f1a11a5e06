/** What went wrong: the service answered an error, the engine refused, or no answer came. */
export type XshathraErrorKind =
  /** The service answered an error status (`status`, `error`, maybe `details` and `retryAfter`). */
  | 'http'
  /** The realtime engine refused the request (HTTP 200 with `error`): `code` is Centrifugo's error code. */
  | 'engine'
  /** No answer within `timeoutMs` (the request may still have been carried out). */
  | 'timeout'
  /** The connection failed (refused, reset, DNS…) or the answer was not what the service sends. */
  | 'network'
  /** The caller's `signal` aborted the call. */
  | 'aborted';

export interface XshathraErrorFields {
  kind: XshathraErrorKind;
  status: number;
  error: string;
  requestId?: string;
  retryAfter?: number;
  details?: string[];
  code?: number;
}

/**
 * Every failure of a call. It carries what the service said and nothing the caller sent: the key is never in
 * its message or its fields (the transport also redacts it from anything the service answers).
 */
export class XshathraError extends Error {
  /** Which kind of failure (see XshathraErrorKind). */
  readonly kind: XshathraErrorKind;
  /** The HTTP status; 0 when no answer came (timeout, network, aborted); 200 for an engine error. */
  readonly status: number;
  /** The service's `error` sentence (or the engine's message, or what happened). */
  readonly error: string;
  /** The `X-Request-Id` of the answer (the one the call sent, when none came): quote it to find the call in the service's logs. */
  readonly requestId?: string;
  /** Seconds to wait before trying again (`Retry-After`), on 429 and some 503. */
  readonly retryAfter?: number;
  /** The service's list of problems with the request (400). */
  readonly details?: string[];
  /** The engine's error code (kind `engine`), e.g. 102 for an unknown channel. */
  readonly code?: number;

  constructor(fields: XshathraErrorFields) {
    super(describe(fields));
    this.kind = fields.kind;
    this.status = fields.status;
    this.error = fields.error;
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
    if (fields.retryAfter !== undefined) this.retryAfter = fields.retryAfter;
    if (fields.details !== undefined) this.details = fields.details;
    if (fields.code !== undefined) this.code = fields.code;
  }
}
// On the prototype, not on each error: `name` stays out of the error's own enumerable fields.
Object.defineProperty(XshathraError.prototype, 'name', { value: 'XshathraError', enumerable: false, configurable: true, writable: true });

function describe({ kind, status, error, code, requestId }: XshathraErrorFields): string {
  const what = kind === 'http' ? `HTTP ${status}: ` : kind === 'engine' ? `engine error ${code}: ` : '';
  return `${what}${error}${requestId ? ` (request id ${requestId})` : ''}`;
}
