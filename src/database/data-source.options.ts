import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { ApiKey } from '../projects/api-key.entity';
import { Project } from '../projects/project.entity';

export const entities = [Project, ApiKey];

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
