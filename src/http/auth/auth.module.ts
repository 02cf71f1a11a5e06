import { Module } from '@nestjs/common';
import { AccessModule } from '../../domain/access/access.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { AuthGuard } from './auth.guard';

/** What the global guard needs (registered by the pipeline in src/app.setup.ts). */
@Module({
  imports: [AccessModule, RateLimitModule],
  providers: [AuthGuard],
  exports: [AccessModule, RateLimitModule, AuthGuard],
})
export class AuthModule {}
