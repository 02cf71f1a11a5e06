// First: on an unsupported Node, one clear line instead of a crash inside a dependency.
import './platform/node-version';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { setupApp } from './app.setup';
import { StartupError } from './platform/startup-error';
import { ConfigError } from './platform/config/env.parser';
import { loadAppConfig, type AppConfig } from './platform/config/app.config';
import { isPortFree } from './platform/ports';

export async function bootstrap(): Promise<{ app: NestExpressApplication; config: AppConfig }> {
  const config = loadAppConfig();
  // Before anything connects: Nest would report a taken port with an error line of its own before ours.
  if (!(await isPortFree(config.port))) throw portInUse(config.port);
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

/** PORT taken by another process: one sentence saying what to do. */
export function portInUse(port: number): StartupError {
  return new StartupError(
    `Port ${port} is already in use (another copy running?): stop that process, or set PORT to a free port, e.g. PORT=${port + 1}.`,
  );
}

/** A configuration problem is reported as one line, then the process stops. */
export function exitOnStartupError(error: unknown): never {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code === 'EADDRINUSE' && typeof port === 'number') error = portInUse(port);
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
