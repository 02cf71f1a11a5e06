import { Module } from '@nestjs/common';
import { AuditModule } from '../../domain/audit/audit.module';
import { ProjectsModule } from '../../domain/projects/projects.module';
import { AdminAuditController } from './admin-audit.controller';
import { AdminProjectsController } from './admin-projects.controller';

/** The admin REST API under /api/admin, for the dashboard (authenticated with admin keys). */
@Module({
  imports: [ProjectsModule, AuditModule],
  controllers: [AdminProjectsController, AdminAuditController],
})
export class AdminModule {}
