import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { setupApp } from './app.setup';
import { StartupError } from './platform/startup-error';
import { ConfigError } from './platform/config/env.parser';
import { loadAppConfig, type AppConfig } from './platform/config/app.config';

export async function bootstrap(): Promise<{ app: NestExpressApplication; config: AppConfig }> {
  const config = loadAppConfig();
  // A failing start is reported by exitOnStartupError alone (one line for known problems), not also by Nest.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    autoFlushLogs: false,
    abortOnError: false,
    bodyParser: false,
  });
  setupApp(app);
  app.flushLogs(); // what was buffered while the modules started, now through the app's logger
  await app.listen(config.port);
  return { app, config };
}

/** A configuration problem is reported as one line, then the process stops. */
export function exitOnStartupError(error: unknown): never {
  const message =
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : error instanceof StartupError
        ? error.message
        : `Startup failed: ${(error as Error)?.stack ?? String(error)}`;
  process.stderr.write(message + '\n');
  process.exit(1);
}

if (require.main === module) {
  bootstrap().catch(exitOnStartupError);
}
