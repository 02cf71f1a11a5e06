import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { appConfig, type AppConfig } from '../config/app.config';
import { dataSourceOptions } from './data-source.options';
import { DatabaseLocation } from './database-location';
import { runMigrationsLocked } from './migrate';

@Module({
  providers: [{ provide: DatabaseLocation, inject: [appConfig.KEY], useFactory: (config: AppConfig) => DatabaseLocation.resolve(config) }],
  exports: [DatabaseLocation],
})
class DatabaseLocationModule {}

/** TypeORM on PostgreSQL; pending migrations run at startup, under an advisory lock. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [DatabaseLocationModule],
      inject: [DatabaseLocation],
      useFactory: (location: DatabaseLocation) => dataSourceOptions(location.url),
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrationsLocked(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
