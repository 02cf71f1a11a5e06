import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ProjectsModule } from '../projects/projects.module';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { AuthGuard } from './auth.guard';

@Module({
  imports: [ProjectsModule],
  providers: [ApiKeyAuthenticator, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeyAuthenticator],
})
export class AuthModule {}
