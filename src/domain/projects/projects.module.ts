import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module';
import { ProjectChanges } from './project-changes';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

@Module({
  imports: [LiveModule],
  providers: [ProjectsRepository, ProjectsService, ProjectChanges],
  exports: [ProjectsRepository, ProjectsService, ProjectChanges, LiveModule],
})
export class ProjectsModule {}
