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
  /** PostgreSQL URL; undefined means "use the embedded dev database" (never in production). */
  databaseUrl?: string;
  /** Folder for local state: the embedded database and the dev secrets. */
  dataDir: string;
  /** HMAC secret used to sign connection and subscription JWTs; undefined → token endpoints answer 503. */
  tokenHmacSecret?: string;
  /** Centrifugo base URL (scheme, host, port); undefined → publish answers 503. */
  engineUrl?: string;
  engineApiKey?: string;
  /** Shared secret the engine's subscribe proxy sends (X-Xshathra-Proxy-Secret); undefined → the proxy endpoint answers 503. */
  engineProxySecret?: string;
  /** Upper bound for one HTTP call to the engine (publish, health). */
  engineTimeoutMs: number;
  /** A Centrifugo binary for `npm run dev` and the tests (else `centrifugo` on PATH, else .cache/bin). */
  centrifugoBin?: string;
  /** How long a looked-up API key (valid or not) is trusted before the database is asked again. */
  apiKeyCacheTtlSeconds: number;
  /** Maximum JSON request body size, in bytes. */
  bodyLimitBytes: number;
  /** Serve /socket-auth-test.html (on by default outside production). */
  socketTestPage: boolean;
}

/** Every environment variable the service reads (deployment files are checked against this list). */
export const CONFIG_ENV_NAMES = [
  'NODE_ENV',
  'PORT',
  'LOG_LEVEL',
  'DATABASE_URL',
  'XSHATHRA_DATA_DIR',
  'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY',
  'CENTRIFUGO_TOKEN_HMAC_SECRET',
  'CENTRIFUGO_UPSTREAM_URL',
  'CENTRIFUGO_API_KEY',
  'ENGINE_PROXY_SECRET',
  'ENGINE_TIMEOUT_MS',
  'CENTRIFUGO_BIN',
  'API_KEY_CACHE_TTL_SECONDS',
  'BODY_LIMIT_BYTES',
  'SOCKET_TEST_PAGE',
] as const;
type EnvName = (typeof CONFIG_ENV_NAMES)[number];

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

  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (isProduction && !databaseUrl) {
    throw new ConfigError('DATABASE_URL is required when NODE_ENV=production (the embedded database is for development only)');
  }

  const engineUrl = url(env, 'CENTRIFUGO_UPSTREAM_URL', ['http:', 'https:']);

  return {
    nodeEnv,
    isProduction,
    port: integer(env, 'PORT', 3001, 0, 65535),
    logLevel,
    databaseUrl,
    dataDir: read(env, 'XSHATHRA_DATA_DIR') ?? '.data',
    tokenHmacSecret: read(env, 'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY') ?? read(env, 'CENTRIFUGO_TOKEN_HMAC_SECRET'),
    engineUrl: engineUrl?.replace(/\/+$/, ''),
    engineApiKey: read(env, 'CENTRIFUGO_API_KEY'),
    engineProxySecret: read(env, 'ENGINE_PROXY_SECRET'),
    engineTimeoutMs: integer(env, 'ENGINE_TIMEOUT_MS', 5000, 100, 60_000),
    centrifugoBin: read(env, 'CENTRIFUGO_BIN'),
    apiKeyCacheTtlSeconds: integer(env, 'API_KEY_CACHE_TTL_SECONDS', 5, 0, 60),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 65536, 1024, 10 * 1024 * 1024),
    socketTestPage: boolean(env, 'SOCKET_TEST_PAGE', !isProduction),
  };
}
