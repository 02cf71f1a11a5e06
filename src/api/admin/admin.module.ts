import { Module } from '@nestjs/common';
import { AuditModule } from '../../domain/audit/audit.module';
import { ProjectsModule } from '../../domain/projects/projects.module';
import { AdminAuditController } from './admin-audit.controller';
import { AdminProjectsController } from './admin-projects.controller';
import { AdminSessionController } from './admin-session.controller';
import { AdminKeysModule } from '../../domain/admin-keys/admin-keys.module';
import { AuthModule } from '../../http/auth/auth.module';

/** The admin REST API under /api/admin, for the dashboard (admin keys, or the console's session). */
@Module({
  imports: [ProjectsModule, AuditModule, AdminKeysModule, AuthModule],
  controllers: [AdminProjectsController, AdminAuditController, AdminSessionController],
})
export class AdminModule {}
