import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, LoggerModule } from 'nestjs-pino';
import { DOCS_PATH, setupOpenApi } from './api/operations/openapi';
import { RealtimeProxy } from './api/realtime-proxy/realtime-proxy';
import { RealtimeProxyMiddleware } from './api/realtime-proxy/realtime-proxy.middleware';
import { RealtimeProxyModule } from './api/realtime-proxy/realtime-proxy.module';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { AuthGuard } from './http/auth/auth.guard';
import { AuthModule } from './http/auth/auth.module';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { loggerParams } from './http/logging';
import { RequestTracking } from './http/request-tracking';
import { weakEtagForReads } from './http/read-etag';
import { securityHeaders } from './http/security-headers';
import { limitSlowClients } from './http/server-limits';
import { ShutdownDrain } from './http/shutdown-drain';
import { trustFunction } from './http/trust-proxy';
import { StrictValidationPipe } from './http/validation';
import { DebugFeed } from './domain/live/debug-feed';
import { httpConfig, type HttpConfig } from './platform/config/app.config';

/*
 * The HTTP pipeline, in the order a request meets it. This file is the one place it is assembled; the pieces
 * live in src/http/ (and the /realtime proxy in src/api/realtime-proxy/).
 *
 *  0. The server: connections that send nothing, or not their headers, within HEADERS_TIMEOUT_MS are closed
 *     (server-limits.ts); WebSocket upgrades go to the /realtime proxy from the server's `upgrade` event.
 *  1. Proxy trust: the client's address and scheme come from X-Forwarded-* only through TRUST_PROXY hops.
 *  2. Request tracking: the request id, the request's context (every log line reads it), and one hook when the
 *     response closes that writes the request's log line and records its metrics (request-tracking.ts).
 *  3. Security headers (helmet, strict CSP; the OpenAPI UI's path gets its own).
 *  4. Shutdown drain: `Connection: close` once SIGTERM arrived.
 *  5. (nestjs-pino: the logger Nest logs through; it mounts no middleware of its own.)
 *  6. The /realtime proxy, before the body is read, so that bodies meant for the engine pass untouched.
 *  7. The body: JSON only, UTF-8 only, BODY_LIMIT_BYTES at most (415/400/413).
 *  8. The guard: AuthGuard (who is calling, from the route's decorator), which also counts the project's rate
 *     limit once it knows the project.
 *  9. The validation pipe (DTOs; unknown fields are 400).
 * 10. The exception filter: every error in one shape, `{statusCode, error}`.
 * 11. The answer: an ETag for GET and HEAD answers only (read-etag.ts).
 */

/** Steps 5–8: what Nest registers as modules, middleware and guards (global: the health checks read ShutdownDrain). */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({ inject: [httpConfig.KEY], useFactory: (config: HttpConfig) => loggerParams(config) }),
    AuthModule,
    RealtimeProxyModule,
  ],
  providers: [
    RequestTracking,
    ShutdownDrain,
    // Who is calling, and (for a project) its rate limit, counted in the same step.
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [RequestTracking, ShutdownDrain],
})
export class HttpPipelineModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RealtimeProxyMiddleware, JsonBodyMiddleware).forRoutes('*path');
  }
}

/** Steps 0–4 and 9–11, done to the application before it listens (main.ts, and every e2e spec alike). */
export function setupApp(app: NestExpressApplication): void {
  const config = app.get<HttpConfig>(httpConfig.KEY);
  app.useLogger(app.get(Logger));
  limitSlowClients(app.getHttpServer(), config.headersTimeoutMs);
  app.get(RealtimeProxy).attachTo(app.getHttpServer());
  app.set('trust proxy', trustFunction(config.trustProxy));
  app.use(app.get(RequestTracking).middleware);
  app.use(securityHeaders(DOCS_PATH));
  app.use(app.get(ShutdownDrain).closeConnectionsWhileDraining);
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(DebugFeed)));
  app.disable('x-powered-by');
  app.set('etag', weakEtagForReads);
  app.enableShutdownHooks();
  if (config.apiDocs) setupOpenApi(app);
}
