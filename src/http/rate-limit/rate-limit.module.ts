import { Module } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { rateLimitConfig, type RateLimitConfig } from '../../platform/config/app.config';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { ProjectRateLimit } from './project-rate-limit';
import { ResilientThrottlerStorage } from './resilient-storage';

/**
 * Rate limits, counted in the throttler storage (Redis when REDIS_URL is set, else in this process): per
 * project (ProjectRateLimit) and per address for failed authentications (AuthFailureLimiter). AuthGuard counts
 * both.
 */
@Module({
  providers: [
    {
      provide: ResilientThrottlerStorage,
      inject: [rateLimitConfig.KEY],
      useFactory: (config: RateLimitConfig) => new ResilientThrottlerStorage(config.redisUrl),
    },
    // The storage under @nestjs/throttler's token, which AuthFailureLimiter asks for.
    { provide: ThrottlerStorage, useExisting: ResilientThrottlerStorage },
    AuthFailureLimiter,
    ProjectRateLimit,
  ],
  exports: [AuthFailureLimiter, ProjectRateLimit],
})
export class RateLimitModule {}
