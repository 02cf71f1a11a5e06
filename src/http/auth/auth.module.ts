import { Module } from '@nestjs/common';
import { AccessModule } from '../../domain/access/access.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { AuthGuard } from './auth.guard';
import { ProjectRateLimitGuard } from '../rate-limit/project-rate-limit.guard';

/** What the two global guards need (they are registered, in order, by the pipeline in src/app.setup.ts). */
@Module({
  imports: [AccessModule, RateLimitModule],
  providers: [AuthGuard, ProjectRateLimitGuard],
  exports: [AccessModule, RateLimitModule, AuthGuard, ProjectRateLimitGuard],
})
export class AuthModule {}
