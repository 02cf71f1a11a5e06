import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminKeysModule } from '../admin/admin-keys.module';
import { ProjectsModule } from '../projects/projects.module';
import { ProjectRateLimitGuard } from '../rate-limit/project-rate-limit.guard';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { AuthGuard } from './auth.guard';

@Module({
  imports: [ProjectsModule, AdminKeysModule, RateLimitModule],
  providers: [
    ApiKeyAuthenticator,
    // In this order: the rate limit counts per project, which AuthGuard establishes.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: ProjectRateLimitGuard },
  ],
  exports: [ApiKeyAuthenticator],
})
export class AuthModule {}
