import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { AdminKeysService } from './admin-keys.service';

@Module({
  imports: [ProjectsModule],
  providers: [AdminKeysService],
  exports: [AdminKeysService],
})
export class AdminKeysModule {}
