import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { AdminKeyAuthenticator } from './admin-key.authenticator';
import { AdminKeysService } from './admin-keys.service';

@Module({
  imports: [ProjectsModule],
  providers: [AdminKeysService, AdminKeyAuthenticator],
  exports: [AdminKeysService, AdminKeyAuthenticator],
})
export class AdminKeysModule {}
