import { compile as compileTrust } from 'proxy-addr';

/**
 * Turns raw environment variables into a typed, validated configuration.
 * Pure (no process.env access) so that every rule can be unit-tested.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface AppConfig {
  nodeEnv: string;
  isProduction: boolean;
  port: number;
  logLevel: LogLevel;
  /** `json` lines (default), or `pretty` for people (pino-pretty, a development dependency). */
  logFormat: 'json' | 'pretty';
  /** PostgreSQL URL; undefined means "use the embedded dev database" (never in production). */
  databaseUrl?: string;
  /** Folder for local state: the embedded database and the dev secrets. */
  dataDir: string;
  /** HMAC secret used to sign connection and subscription JWTs; undefined → token endpoints answer 503. */
  tokenHmacSecret?: string;
  /** Centrifugo base URL for client endpoints (/realtime proxy); undefined → publish answers 503. */
  engineUrl?: string;
  /** Centrifugo base URL of its HTTP API and /health (its internal port, if it has one); defaults to engineUrl. */
  engineApiUrl?: string;
  engineApiKey?: string;
  /** Shared secret the engine's subscribe proxy sends (X-Xshathra-Proxy-Secret); undefined → the proxy endpoint answers 503. */
  engineProxySecret?: string;
  /** Upper bound for one HTTP call to the engine (publish, health). */
  engineTimeoutMs: number;
  /** A Centrifugo binary for `npm run dev` and the tests (else `centrifugo` on PATH, else .cache/bin). */
  centrifugoBin?: string;
  /** How long a looked-up API key (valid or not) is trusted before the database is asked again. */
  apiKeyCacheTtlSeconds: number;
  /** While the database is unreachable, how long past its TTL an accepted key is still trusted. */
  apiKeyMaxStaleSeconds: number;
  /** Which hops may set X-Forwarded-* (Express `trust proxy` semantics): the client address and scheme come from them. */
  trustProxy: TrustProxy;
  /** A connection must send its request headers within this time, or it is closed. */
  headersTimeoutMs: number;
  /** Proxied WebSockets one instance holds at most; further handshakes get 503. */
  maxProxiedWebSockets: number;
  /** Of those, what one client address may hold, so that one address cannot take them all. */
  maxProxiedWebSocketsPerAddress: number;
  /** Requests per minute a project may make, unless it has its own limit. */
  rateLimitPerMinute: number;
  /** Failed authentications per minute one client address may make before it is refused for a window. */
  authFailuresPerMinute: number;
  /** The window rate limits are counted in; per-minute limits are scaled to it (shorter: smaller bursts). */
  rateLimitWindowSeconds: number;
  /** Redis for rate-limit counters shared by every instance; undefined → counters per instance. */
  redisUrl?: string;
  /** On SIGTERM, how long readiness says 503 while the server still serves, before it stops listening. */
  shutdownDrainMs: number;
  /** Bearer token a Prometheus scraper sends to GET /metrics; undefined → no metrics route. */
  metricsToken?: string;
  /** Serve the OpenAPI docs at /api/docs (on by default outside production). */
  apiDocs: boolean;
  /** Maximum JSON request body size, in bytes. */
  bodyLimitBytes: number;
  /** Serve /socket-auth-test.html (on by default outside production). */
  socketTestPage: boolean;
  /** A console session ends after this many minutes without a request. */
  adminSessionIdleMinutes: number;
  /** A console session ends this many hours after sign-in, however active. */
  adminSessionMaxHours: number;
}

/** Every environment variable the service reads (deployment files are checked against this list). */
export const CONFIG_ENV_NAMES = [
  'NODE_ENV',
  'PORT',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'DATABASE_URL',
  'XSHATHRA_DATA_DIR',
  'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY',
  'CENTRIFUGO_TOKEN_HMAC_SECRET',
  'CENTRIFUGO_UPSTREAM_URL',
  'CENTRIFUGO_API_URL',
  'CENTRIFUGO_API_KEY',
  'ENGINE_PROXY_SECRET',
  'ENGINE_TIMEOUT_MS',
  'CENTRIFUGO_BIN',
  'API_KEY_CACHE_TTL_SECONDS',
  'API_KEY_MAX_STALE_SECONDS',
  'TRUST_PROXY',
  'HEADERS_TIMEOUT_MS',
  'MAX_PROXIED_WEBSOCKETS',
  'MAX_PROXIED_WEBSOCKETS_PER_ADDRESS',
  'RATE_LIMIT_PER_MINUTE',
  'AUTH_FAILURES_PER_MINUTE',
  'RATE_LIMIT_WINDOW_SECONDS',
  'REDIS_URL',
  'API_DOCS',
  'SHUTDOWN_DRAIN_MS',
  'METRICS_TOKEN',
  'BODY_LIMIT_BYTES',
  'SOCKET_TEST_PAGE',
  'ADMIN_SESSION_IDLE_MINUTES',
  'ADMIN_SESSION_MAX_HOURS',
] as const;
export type EnvName = (typeof CONFIG_ENV_NAMES)[number];

/** A configuration problem. Its message is one line meant for the operator. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Empty strings count as unset, as they do for Centrifugo. */
function read(env: Env, name: EnvName): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: EnvName, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function boolean(env: Env, name: EnvName, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function url(env: Env, name: EnvName, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

export function parseEnv(env: Env): AppConfig {
  const nodeEnv = read(env, 'NODE_ENV') ?? 'development';
  const isProduction = nodeEnv === 'production';

  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }

  const logFormat = (read(env, 'LOG_FORMAT') ?? 'json').toLowerCase();
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${env.LOG_FORMAT}"`);

  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (isProduction && !databaseUrl) {
    throw new ConfigError('DATABASE_URL is required when NODE_ENV=production (the embedded database is for development only)');
  }

  const engineUrl = url(env, 'CENTRIFUGO_UPSTREAM_URL', ['http:', 'https:'])?.replace(/\/+$/, '');
  const engineApiUrl = url(env, 'CENTRIFUGO_API_URL', ['http:', 'https:'])?.replace(/\/+$/, '') ?? engineUrl;
  const tokenHmacSecret = read(env, 'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY') ?? read(env, 'CENTRIFUGO_TOKEN_HMAC_SECRET');
  const engineApiKey = read(env, 'CENTRIFUGO_API_KEY');
  const engineProxySecret = read(env, 'ENGINE_PROXY_SECRET');
  const metricsToken = read(env, 'METRICS_TOKEN');
  if (isProduction) {
    refuseWeakSecret('CENTRIFUGO_TOKEN_HMAC_SECRET_KEY', tokenHmacSecret, MIN_SIGNING_SECRET_BYTES);
    refuseWeakSecret('CENTRIFUGO_API_KEY', engineApiKey, 0);
    refuseWeakSecret('ENGINE_PROXY_SECRET', engineProxySecret, 0);
    refuseWeakSecret('METRICS_TOKEN', metricsToken, 0);
  }

  const maxProxiedWebSockets = integer(env, 'MAX_PROXIED_WEBSOCKETS', 10_000, 1, 1_000_000);

  return {
    nodeEnv,
    isProduction,
    port: integer(env, 'PORT', 3001, 0, 65535),
    logLevel,
    logFormat,
    databaseUrl,
    dataDir: read(env, 'XSHATHRA_DATA_DIR') ?? '.data',
    tokenHmacSecret,
    engineUrl,
    engineApiUrl,
    engineApiKey,
    engineProxySecret,
    engineTimeoutMs: integer(env, 'ENGINE_TIMEOUT_MS', 5000, 100, 60_000),
    centrifugoBin: read(env, 'CENTRIFUGO_BIN'),
    apiKeyCacheTtlSeconds: integer(env, 'API_KEY_CACHE_TTL_SECONDS', 5, 0, 60),
    apiKeyMaxStaleSeconds: integer(env, 'API_KEY_MAX_STALE_SECONDS', 300, 0, 3600),
    trustProxy: trustProxy(env),
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 1000, 120_000),
    maxProxiedWebSockets,
    // 10 % of the instance's cap by default: one address (a NAT, or an attacker) never takes every slot.
    maxProxiedWebSocketsPerAddress: integer(
      env,
      'MAX_PROXIED_WEBSOCKETS_PER_ADDRESS',
      Math.max(1, Math.floor(maxProxiedWebSockets / 10)),
      1,
      1_000_000,
    ),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 6000, 1, 10_000_000),
    authFailuresPerMinute: integer(env, 'AUTH_FAILURES_PER_MINUTE', 30, 1, 1_000_000),
    rateLimitWindowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 3600),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    apiDocs: boolean(env, 'API_DOCS', !isProduction),
    shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_MS', 0, 0, 60_000),
    metricsToken,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 65536, 1024, 10 * 1024 * 1024),
    socketTestPage: boolean(env, 'SOCKET_TEST_PAGE', !isProduction),
    adminSessionIdleMinutes: integer(env, 'ADMIN_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    adminSessionMaxHours: integer(env, 'ADMIN_SESSION_MAX_HOURS', 12, 1, 30 * 24),
  };
}

/** Express's `trust proxy` values: true/false, a number of hops, or addresses, subnets and names (loopback, …). */
export type TrustProxy = boolean | number | string[];

function trustProxy(env: Env): TrustProxy {
  const raw = read(env, 'TRUST_PROXY');
  if (raw === undefined || ['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    compileTrust(list);
  } catch {
    throw new ConfigError(
      `TRUST_PROXY must be true, false, a number of hops, or a comma-separated list of addresses, subnets, loopback, linklocal or uniquelocal, got "${raw}"`,
    );
  }
  return list;
}

const MIN_SIGNING_SECRET_BYTES = 32;
/** Values copied from templates and examples: in production they would let anyone who read the template in. */
const PLACEHOLDER_SECRET = /change[-_ ]?me|placeholder|example|^(secret|password|changeit|test|dev)$|^local-compose-/i;

function refuseWeakSecret(name: EnvName, value: string | undefined, minBytes: number): void {
  if (value === undefined) return;
  if (PLACEHOLDER_SECRET.test(value))
    throw new ConfigError(`${name} is a placeholder value; set a random secret (e.g. \`openssl rand -base64 32\`) in production`);
  if (Buffer.byteLength(value, 'utf8') < minBytes) {
    throw new ConfigError(`${name} must be at least ${minBytes} bytes long in production (e.g. \`openssl rand -base64 32\`)`);
  }
}
