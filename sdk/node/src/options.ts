/** What both clients are built with. */
export interface ClientOptions {
  /** Where the service is, e.g. `https://realtime.example.com` (a path prefix is kept). */
  origin: string;
  /** Timeout of each attempt, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** How many times a 429 or 503 is retried, when retrying is safe (default 2). */
  retries?: number;
  /** A fetch to use instead of the platform's (instrumentation, a custom dispatcher). */
  fetch?: typeof fetch;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 2;

/** The origin without a trailing slash, once it is known to be an http(s) URL. */
export function checkedOrigin(origin: unknown): string {
  let url: URL;
  try {
    url = new URL(String(origin));
  } catch {
    throw new TypeError('origin must be an absolute http(s) URL, e.g. https://realtime.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('origin must be an http: or https: URL');
  if (url.search || url.hash) throw new TypeError('origin must not have a query or a fragment');
  return url.toString().replace(/\/+$/, '');
}

/** A credential that can go in a header as it is; the message never repeats it. */
export function checkedKey(key: unknown, name: string, prefix: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError(`${name} is required`);
  if (!/^[\x21-\x7e]+$/.test(key)) throw new TypeError(`${name} must be printable ASCII without spaces`);
  if (!key.startsWith(prefix)) throw new TypeError(`${name} must start with ${prefix}`);
  return key;
}

export function checkedNumber(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw new TypeError(`${name} must be a number of at least ${min}`);
  return value;
}
