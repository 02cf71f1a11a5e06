import { Module } from '@nestjs/common';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { ProjectsModule } from '../projects/projects.module';

/** Only what the operator commands need: configuration, the database and the projects service. */
@Module({ imports: [AppConfigModule, DatabaseModule, ProjectsModule] })
export class CliModule {}
