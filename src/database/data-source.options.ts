import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { AdminKey } from '../admin/admin-key.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { ApiKey } from '../projects/api-key.entity';
import { Project } from '../projects/project.entity';

export const entities = [Project, ApiKey, AdminKey, AuditEntry];

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    // The schema only ever changes through migrations.
    synchronize: false,
    migrationsRun: false,
    extra: { connectionTimeoutMillis: 5000 },
  };
}
