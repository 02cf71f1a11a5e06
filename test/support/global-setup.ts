import { StartupError } from '../../src/platform/startup-error';
import { redisForTheRun } from './redis';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * Runs once before all specs: one fresh database for the whole run, handed to workers via DATABASE_URL, and a
 * Redis for the specs that test Redis (REDIS_TEST_URL).
 */
export default async function globalSetup(): Promise<void> {
  let database: TestDatabase;
  try {
    database = await createTestDatabase(process.env.DATABASE_URL);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    // The embedded database cannot start here; the sentence says what to do, a stack would not.
    process.stderr.write(`\n${error.message}\n`);
    process.exit(1);
  }
  (globalThis as Record<string, unknown>).__XSHATHRA_TEST_DB__ = database;
  process.env.XSHATHRA_TEST_ADMIN_URL = database.adminUrl;
  process.env.DATABASE_URL = database.url;
  const redis = await redisForTheRun();
  (globalThis as Record<string, unknown>).__XSHATHRA_TEST_REDIS__ = redis;
  if (redis.url) process.env.REDIS_TEST_URL = redis.url;
}
