import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { AdminKeysService } from './admin-keys.service';
import { AdminSessions } from './admin-sessions';

@Module({
  imports: [ProjectsModule],
  providers: [AdminKeysService, AdminSessions],
  exports: [AdminKeysService, AdminSessions],
})
export class AdminKeysModule {}
