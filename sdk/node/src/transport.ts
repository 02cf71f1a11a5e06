import { XshathraError, type XshathraErrorFields } from './errors.js';

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call (and any wait before a retry). */
  signal?: AbortSignal;
  /** This call's timeout per attempt, instead of the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Sent as `X-Request-Id` (letters, digits and `._:-`, at most 128): the service logs the call under it. */
  requestId?: string;
}

export interface TransportOptions {
  origin: string;
  /** The whole Authorization header value; kept in a private field, never in an error. */
  authorization: string;
  /** The credential alone, redacted from anything the service answers. */
  secret: string;
  timeoutMs: number;
  retries: number;
  fetch: typeof fetch;
}

interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Whether a 429 or 503 may be retried: only when doing the request twice cannot do something twice. */
  retry: boolean;
  /** An engine relay route: a 200 with `error` is the engine's refusal. */
  engine?: boolean;
}

/** Retry-After values above this are not waited for: the error is thrown at once, with `retryAfter`. */
const MAX_RETRY_WAIT_MS = 60_000;
const FIRST_BACKOFF_MS = 250;
const RETRIED_STATUSES = new Set([429, 503]);

/**
 * HTTP for both clients, on the platform's fetch alone: a timeout per attempt, the caller's AbortSignal, and
 * retries of 429 and 503 (which mean the service did nothing) honouring Retry-After, for requests marked
 * retryable. Timeouts and network failures are never retried: the request may have been carried out.
 */
export class Transport {
  readonly #authorization: string;
  readonly #secret: string;
  readonly #origin: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #fetch: typeof fetch;

  constructor(options: TransportOptions) {
    this.#authorization = options.authorization;
    this.#secret = options.secret;
    this.#origin = options.origin;
    this.#timeoutMs = options.timeoutMs;
    this.#retries = options.retries;
    this.#fetch = options.fetch;
  }

  async request<T>(request: Request, options: CallOptions = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt<T>(request, options);
      } catch (error) {
        if (!(error instanceof XshathraError) || !request.retry || attempt >= this.#retries) throw error;
        if (error.kind !== 'http' || !RETRIED_STATUSES.has(error.status)) throw error;
        const wait =
          error.retryAfter !== undefined ? error.retryAfter * 1000 + 50 : FIRST_BACKOFF_MS * 2 ** attempt * (0.5 + Math.random());
        if (wait > MAX_RETRY_WAIT_MS) throw error;
        await sleep(wait, options.signal, options.requestId);
      }
    }
  }

  async #attempt<T>(request: Request, options: CallOptions): Promise<T> {
    const { signal, requestId } = options;
    if (signal?.aborted) throw aborted(requestId);
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    // AbortSignal.any needs Node 20; this works on 18.
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const headers: Record<string, string> = { authorization: this.#authorization, accept: 'application/json' };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      if (requestId !== undefined) headers['x-request-id'] = requestId;
      let response: Response;
      let text: string;
      try {
        response = await this.#fetch(this.#url(request), {
          method: request.method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: controller.signal,
          redirect: 'manual',
        });
        text = await response.text();
      } catch (error) {
        if (timedOut) throw this.#error({ kind: 'timeout', status: 0, error: `No answer within ${timeoutMs} ms.`, requestId });
        if (signal?.aborted) throw aborted(requestId);
        throw this.#error({ kind: 'network', status: 0, error: `The request failed: ${describeCause(error)}.`, requestId });
      }
      return this.#result<T>(request, response, text, requestId);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #result<T>(request: Request, response: Response, text: string, sentRequestId: string | undefined): T {
    const requestId = response.headers.get('x-request-id') ?? sentRequestId;
    const body = parseJson(text);
    if (!response.ok) {
      const { error, details } = (body ?? {}) as { error?: unknown; details?: unknown };
      throw this.#error({
        kind: 'http',
        status: response.status,
        error: typeof error === 'string' ? error : `${response.status} ${response.statusText}`.trim(),
        requestId,
        retryAfter: retryAfterSeconds(response.headers.get('retry-after')),
        details: Array.isArray(details) ? details.filter((item): item is string => typeof item === 'string') : undefined,
      });
    }
    if (body === undefined || (response.status !== 200 && response.status !== 201)) {
      throw this.#error({ kind: 'network', status: response.status, error: 'The answer is not the JSON the service sends.', requestId });
    }
    if (request.engine) {
      const { result, error } = body as { result?: unknown; error?: { code?: unknown; message?: unknown } };
      if (error) {
        const code = typeof error.code === 'number' ? error.code : undefined;
        const message = typeof error.message === 'string' ? error.message : 'unknown error';
        throw this.#error({ kind: 'engine', status: response.status, error: message, code, requestId });
      }
      return (result ?? {}) as T;
    }
    return body as T;
  }

  /** An error whose text holds nothing of the credential, whatever was answered. */
  #error(fields: XshathraErrorFields): XshathraError {
    const redact = (text: string) => text.split(this.#secret).join('[redacted]');
    return new XshathraError({ ...fields, error: redact(fields.error), details: fields.details?.map(redact) });
  }

  #url(request: Request): string {
    const url = new URL(this.#origin + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }
}

function aborted(requestId: string | undefined): XshathraError {
  return new XshathraError({ kind: 'aborted', status: 0, error: 'The call was aborted.', requestId });
}

function sleep(ms: number, signal: AbortSignal | undefined, requestId: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(requestId));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After in seconds: a number of seconds or an HTTP date (RFC 9110). */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The low-level reason (ECONNREFUSED…), without the request it was about. */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : 'unknown error';
}
