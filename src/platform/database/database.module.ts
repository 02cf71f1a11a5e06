import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config/app.config';
import { dataSourceOptions, type Entities } from './data-source.options';
import { DatabaseLocation } from './database-location';
import { runMigrationsLocked } from './migrate';

@Module({
  providers: [
    { provide: DatabaseLocation, inject: [databaseConfig.KEY], useFactory: (config: DatabaseConfig) => DatabaseLocation.resolve(config) },
  ],
  exports: [DatabaseLocation],
})
class DatabaseLocationModule {}

/**
 * TypeORM on PostgreSQL; pending migrations run at startup, under an advisory lock. The application names
 * the entities (this layer knows no feature).
 */
@Module({})
export class DatabaseModule {
  static forRoot(entities: Entities): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [DatabaseLocationModule],
          inject: [DatabaseLocation],
          useFactory: (location: DatabaseLocation) => dataSourceOptions(location.url, entities),
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrationsLocked(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}
