import { registerAs } from '@nestjs/config';
import { AppConfig, parseEnv } from './env.parser';

/**
 * The one reader of process.env. Inject with `@Inject(appConfig.KEY) config: AppConfig`.
 */
export const appConfig = registerAs('app', (): AppConfig => parseEnv(process.env));

/** For code that runs before Nest exists (bootstrap, CLI argument handling). */
export function loadAppConfig(): AppConfig {
  return parseEnv(process.env);
}

/** Sets environment defaults without overriding what the operator already set (used by `npm run dev`). */
export function applyEnvDefaults(defaults: Record<string, string>): void {
  for (const [name, value] of Object.entries(defaults)) {
    if (!process.env[name]?.trim()) process.env[name] = value;
  }
}

export type { AppConfig };
