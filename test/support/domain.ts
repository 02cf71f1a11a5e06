import { MetricsModule } from '../../src/platform/metrics/metrics.module';
import { Test, type TestingModule } from '@nestjs/testing';
import { AdminKeysModule } from '../../src/domain/admin-keys/admin-keys.module';
import { AuditModule } from '../../src/domain/audit/audit.module';
import { CommonModule } from '../../src/platform/clock.module';
import { AppConfigModule } from '../../src/platform/config/config.module';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { ENTITIES } from '../../src/domain/entities';
import { ProjectsModule } from '../../src/domain/projects/projects.module';

/**
 * The integration tier's context: the domain's services and repositories on the run's real PostgreSQL
 * (DATABASE_URL from the global setup, migrations applied), without HTTP, engine or guards.
 */
export async function createDomainContext(): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule, CommonModule, MetricsModule, DatabaseModule.forRoot(ENTITIES), ProjectsModule, AuditModule, AdminKeysModule],
  }).compile();
  return moduleRef.init();
}
