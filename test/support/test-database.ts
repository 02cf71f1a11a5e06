import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openEmbeddedDatabase } from '../../src/platform/database/embedded-postgres';

/**
 * A fresh database for one test run: on the server DATABASE_URL points at, or on an embedded cluster
 * under .data/test when DATABASE_URL is unset (the "fresh machine" case).
 */
export interface TestDatabase {
  url: string;
  /** The same server's maintenance database, for specs that need a database of their own. */
  adminUrl: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(serverUrl: string | undefined): Promise<TestDatabase> {
  const embedded = serverUrl ? undefined : await openEmbeddedDatabase('.data/test', (line) => process.stderr.write(line + '\n'));
  const adminUrl = new URL(serverUrl ?? embedded!.url);
  const name = `xshathra_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await withClient(adminUrl.toString(), (client) => client.query(`CREATE DATABASE ${name}`));

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    adminUrl: adminUrl.toString(),
    drop: async () => {
      await withClient(adminUrl.toString(), (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await embedded?.stop();
    },
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A throwaway database on the run's server (for specs that must start from an empty schema). */
export async function createScratchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `xshathra_scratch_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
