import { Module } from '@nestjs/common';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { ENTITIES } from '../entities';
import { AdminKeysModule } from '../admin/admin-keys.module';
import { AuditModule } from '../audit/audit.module';
import { CommonModule } from '../common/common.module';
import { ProjectsModule } from '../projects/projects.module';

/** Only what the operator commands need: configuration, the database, projects, admin keys and the audit log. */
@Module({ imports: [AppConfigModule, CommonModule, DatabaseModule.forRoot(ENTITIES), ProjectsModule, AdminKeysModule, AuditModule] })
export class CliModule {}
