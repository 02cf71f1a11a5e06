import { ExecutionContext, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AuthenticatedRequest } from '../authenticated-request';
import type { AuthenticatedProject } from '../../domain/access/key-check';
import { rateLimitConfig, type RateLimitConfig } from '../../platform/config/app.config';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { ResilientThrottlerStorage } from './resilient-storage';
import { perWindow } from './window';

const PROJECT_THROTTLER = 'project';

/** The project a request was authenticated for; undefined on public and engine routes (not limited here). */
function projectOf(request: unknown): AuthenticatedProject | undefined {
  const { caller } = request as AuthenticatedRequest;
  return caller?.kind === 'project' ? caller.project : undefined;
}
const projectIn = (context: ExecutionContext) => projectOf(context.switchToHttp().getRequest());

@Module({
  providers: [
    {
      provide: ResilientThrottlerStorage,
      inject: [rateLimitConfig.KEY],
      useFactory: (config: RateLimitConfig) => new ResilientThrottlerStorage(config.redisUrl),
    },
  ],
  exports: [ResilientThrottlerStorage],
})
class RateLimitStorageModule {}

/**
 * Request-rate limits with @nestjs/throttler: per project (RATE_LIMIT_PER_MINUTE, or the project's own
 * limit) on every route a server key calls, counted in windows of RATE_LIMIT_WINDOW_SECONDS for the whole
 * project (all its keys and routes together), so that one project cannot starve the others.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [rateLimitConfig.KEY, ResilientThrottlerStorage],
      useFactory: (config: RateLimitConfig, storage: ResilientThrottlerStorage) => ({
        storage,
        throttlers: [
          {
            name: PROJECT_THROTTLER,
            ttl: config.rateLimitWindowSeconds * 1000,
            limit: (context) =>
              perWindow(projectIn(context)?.rateLimitPerMinute ?? config.rateLimitPerMinute, config.rateLimitWindowSeconds),
            skipIf: (context) => !projectIn(context),
            getTracker: (request) => projectOf(request)!.projectId,
            generateKey: (_context, projectId, name) => `${name}:${projectId}`,
          },
        ],
        errorMessage: (context, detail) =>
          `Rate limit exceeded: project "${projectIn(context)?.projectSlug}" may make ${detail.limit} requests per ${detail.ttl / 1000} s; retry in ${detail.timeToBlockExpire} s.`,
      }),
    }),
  ],
  providers: [AuthFailureLimiter],
  exports: [AuthFailureLimiter],
})
export class RateLimitModule {}
