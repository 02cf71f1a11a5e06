import { MetricsModule } from '../../platform/metrics/metrics.module';
import { Module } from '@nestjs/common';
import { AppConfigModule } from '../../platform/config/config.module';
import { DatabaseModule } from '../../platform/database/database.module';
import { ENTITIES } from '../../domain/entities';
import { AdminKeysModule } from '../../domain/admin-keys/admin-keys.module';
import { AuditModule } from '../../domain/audit/audit.module';
import { CommonModule } from '../../platform/clock.module';
import { ProjectsModule } from '../../domain/projects/projects.module';

/** What the operator commands need: configuration, metrics (the engine client counts its calls), the database, projects, admin keys and the audit log. */
@Module({
  imports: [AppConfigModule, CommonModule, MetricsModule, DatabaseModule.forRoot(ENTITIES), ProjectsModule, AdminKeysModule, AuditModule],
})
export class CliModule {}
