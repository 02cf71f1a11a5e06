import { registerAs } from '@nestjs/config';
import { AppConfig, parseEnv, type EnvName } from './env.parser';

/**
 * The one reader of the environment. It is process.env, unless `npm run dev` layered its defaults under it
 * (useEnvironmentDefaults): nothing is ever written back to process.env.
 */
let environment: Record<string, string | undefined> = process.env;

/** Defaults under the real environment (what the operator set wins); for `npm run dev` only. */
export function useEnvironmentDefaults(defaults: Partial<Record<EnvName, string>>): void {
  const set = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value?.trim()));
  environment = { ...defaults, ...set };
}

/** Whether the operator set this variable (to something not empty). */
export function environmentSets(name: EnvName): boolean {
  return Boolean(process.env[name]?.trim());
}

/** The whole configuration, for code that runs before Nest exists (bootstrap, the CLI). */
export function loadAppConfig(): AppConfig {
  return parseEnv(environment);
}

function slice<K extends keyof AppConfig>(keys: readonly K[]): () => Pick<AppConfig, K> {
  return () => {
    const config = loadAppConfig();
    return Object.fromEntries(keys.map((key) => [key, config[key]])) as Pick<AppConfig, K>;
  };
}

/*
 * Configuration per feature, each a slice of the one validated parse. Inject the slice a class needs:
 * `@Inject(engineConfig.KEY) config: EngineConfig`.
 */

const HTTP_KEYS = [
  'isProduction',
  'port',
  'logLevel',
  'logFormat',
  'bodyLimitBytes',
  'headersTimeoutMs',
  'trustProxy',
  'apiDocs',
  'socketTestPage',
  'shutdownDrainMs',
] as const;
export const httpConfig = registerAs('http', slice(HTTP_KEYS));
export type HttpConfig = Pick<AppConfig, (typeof HTTP_KEYS)[number]>;

const DATABASE_KEYS = ['databaseUrl', 'dataDir'] as const;
export const databaseConfig = registerAs('database', slice(DATABASE_KEYS));
export type DatabaseConfig = Pick<AppConfig, (typeof DATABASE_KEYS)[number]>;

const ENGINE_KEYS = [
  'isProduction',
  'engineUrl',
  'engineApiUrl',
  'engineApiKey',
  'engineTimeoutMs',
  'maxProxiedWebSockets',
  'maxProxiedWebSocketsPerAddress',
  'trustProxy',
] as const;
export const engineConfig = registerAs('engine', slice(ENGINE_KEYS));
export type EngineConfig = Pick<AppConfig, (typeof ENGINE_KEYS)[number]>;

const AUTH_KEYS = ['apiKeyCacheTtlSeconds', 'apiKeyMaxStaleSeconds', 'engineProxySecret', 'metricsToken'] as const;
export const authConfig = registerAs('auth', slice(AUTH_KEYS));
export type AuthConfig = Pick<AppConfig, (typeof AUTH_KEYS)[number]>;

const RATE_LIMIT_KEYS = ['rateLimitPerMinute', 'rateLimitWindowSeconds', 'authFailuresPerMinute', 'redisUrl'] as const;
export const rateLimitConfig = registerAs('rateLimit', slice(RATE_LIMIT_KEYS));
export type RateLimitConfig = Pick<AppConfig, (typeof RATE_LIMIT_KEYS)[number]>;

const TOKENS_KEYS = ['tokenHmacSecret'] as const;
export const tokensConfig = registerAs('tokens', slice(TOKENS_KEYS));
export type TokensConfig = Pick<AppConfig, (typeof TOKENS_KEYS)[number]>;

const SESSION_KEYS = ['isProduction', 'adminSessionIdleMinutes', 'adminSessionMaxHours'] as const;
export const sessionConfig = registerAs('session', slice(SESSION_KEYS));
export type SessionConfig = Pick<AppConfig, (typeof SESSION_KEYS)[number]>;

export type { AppConfig };
