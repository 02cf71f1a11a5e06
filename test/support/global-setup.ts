import { createTestDatabase } from './test-database';

/** Runs once before all specs: one fresh database for the whole run, handed to workers via DATABASE_URL. */
export default async function globalSetup(): Promise<void> {
  const database = await createTestDatabase(process.env.DATABASE_URL);
  (globalThis as Record<string, unknown>).__XSHATHRA_TEST_DB__ = database;
  process.env.XSHATHRA_TEST_ADMIN_URL = database.adminUrl;
  process.env.DATABASE_URL = database.url;
}
