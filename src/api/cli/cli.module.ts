import { Module } from '@nestjs/common';
import { AppConfigModule } from '../../platform/config/config.module';
import { DatabaseModule } from '../../platform/database/database.module';
import { ENTITIES } from '../../domain/entities';
import { AdminKeysModule } from '../../domain/admin-keys/admin-keys.module';
import { AuditModule } from '../../domain/audit/audit.module';
import { CommonModule } from '../../platform/clock.module';
import { ProjectsModule } from '../../domain/projects/projects.module';

/** Only what the operator commands need: configuration, the database, projects, admin keys and the audit log. */
@Module({ imports: [AppConfigModule, CommonModule, DatabaseModule.forRoot(ENTITIES), ProjectsModule, AdminKeysModule, AuditModule] })
export class CliModule {}
