import type { TestDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const database = (globalThis as Record<string, unknown>).__XSHATHRA_TEST_DB__ as TestDatabase | undefined;
  await database?.drop();
  ((globalThis as Record<string, unknown>).__XSHATHRA_TEST_REDIS__ as { stop(): void } | undefined)?.stop();
}
