// First: on an unsupported Node, one clear line instead of a crash inside a dependency.
import '../node-version';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/app.config';
import { dataSourceOptions } from './data-source.options';
import { DatabaseLocation } from './database-location';
import { runMigrationsLocked } from './migrate';

/** `npm run migration:run`: applies pending migrations to the configured database, then exits. */
async function main(): Promise<void> {
  const location = await DatabaseLocation.resolve(loadAppConfig());
  // Migrations need no entities.
  const dataSource = await new DataSource(dataSourceOptions(location.url, [])).initialize();
  try {
    const applied = await runMigrationsLocked(dataSource);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The schema is up to date.\n');
  } finally {
    await dataSource.destroy();
    await location.onApplicationShutdown();
  }
}

main().catch((error) => {
  process.stderr.write(`Migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});
