import { Module } from '@nestjs/common';
import { ProjectChanges } from './project-changes';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

@Module({
  providers: [ProjectsRepository, ProjectsService, ProjectChanges],
  exports: [ProjectsRepository, ProjectsService, ProjectChanges],
})
export class ProjectsModule {}
