import { DataSource } from 'typeorm';

/** Any constant shared by every instance of this service; it names the lock that serializes migrations. */
const MIGRATION_LOCK_ID = 7_420_117_310;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so that replicas starting together
 * run them once, one after the other, instead of colliding.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lockRunner.release();
  }
}
