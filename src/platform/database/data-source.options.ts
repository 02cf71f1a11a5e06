import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';

export type Entities = NonNullable<DataSourceOptions['entities']>;

export function dataSourceOptions(url: string, entities: Entities): DataSourceOptions {
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
