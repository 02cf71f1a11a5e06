import { Test, type TestingModule } from '@nestjs/testing';
import { AdminKeysModule } from '../../src/admin/admin-keys.module';
import { AuditModule } from '../../src/audit/audit.module';
import { CommonModule } from '../../src/common/common.module';
import { AppConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { ENTITIES } from '../../src/entities';
import { ProjectsModule } from '../../src/projects/projects.module';

/**
 * The integration tier's context: the domain's services and repositories on the run's real PostgreSQL
 * (DATABASE_URL from the global setup, migrations applied), without HTTP, engine or guards.
 */
export async function createDomainContext(): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule, CommonModule, DatabaseModule.forRoot(ENTITIES), ProjectsModule, AuditModule, AdminKeysModule],
  }).compile();
  return moduleRef.init();
}
