// The DataSource for the TypeORM CLI only (`npm run migration:generate -- migrations/Name`).
// The service itself builds its DataSource in src/database/.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from './src/platform/config/app.config';
import { dataSourceOptions } from './src/platform/database/data-source.options';
import { ENTITIES } from './src/domain/entities';

const { databaseUrl } = loadAppConfig();
if (!databaseUrl) throw new Error('Set DATABASE_URL to the database to compare the entities with.');

export default new DataSource(dataSourceOptions(databaseUrl, ENTITIES));
