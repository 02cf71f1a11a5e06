import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * Development-only state kept under the data folder (git-ignored): secrets generated on first run and the
 * dev project's server key, so that `npm run dev` needs no configuration and prints the same key each time.
 */

export interface DevSecrets {
  tokenHmacSecret: string;
  engineApiKey: string;
  engineProxySecret: string;
}

/** The dev admin key, for signing in to the console at /console. */
export interface DevAdminKey {
  adminKeyId: string;
  adminKey: string;
}

export interface DevProject {
  projectId: string;
  serverApiKey: string;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
}

/** The dev secrets, generating any that are missing (a data folder from an older version lacks some). */
export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets> {
  const file = join(resolve(dataDir), 'dev-secrets.json');
  const existing: Partial<DevSecrets> = (await readJson<Partial<DevSecrets>>(file)) ?? {};
  const secrets: DevSecrets = {
    tokenHmacSecret: existing.tokenHmacSecret ?? randomBytes(32).toString('base64url'),
    engineApiKey: existing.engineApiKey ?? randomBytes(24).toString('base64url'),
    engineProxySecret: existing.engineProxySecret ?? randomBytes(24).toString('base64url'),
  };
  if (Object.keys(secrets).some((name) => !existing[name as keyof DevSecrets])) await writeJson(file, secrets);
  return secrets;
}

export const devProjectFile = (dataDir: string) => join(resolve(dataDir), 'dev-project.json');

export const readDevProject = (dataDir: string) => readJson<DevProject>(devProjectFile(dataDir));

export const saveDevProject = (dataDir: string, project: DevProject) => writeJson(devProjectFile(dataDir), project);

export const devAdminKeyFile = (dataDir: string) => join(resolve(dataDir), 'dev-admin-key.json');

export const readDevAdminKey = (dataDir: string) => readJson<DevAdminKey>(devAdminKeyFile(dataDir));

export const saveDevAdminKey = (dataDir: string, key: DevAdminKey) => writeJson(devAdminKeyFile(dataDir), key);
