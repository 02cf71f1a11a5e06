import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ENGINE_PROXY_SECRET_HEADER } from '../http/auth/shared-secret';
import { projectRoot } from '../platform/project-root';

/**
 * A Centrifugo process on this machine, for `npm run dev` and the tests. Production runs its own engine
 * (see docker-compose and deploy/), configured with the same secrets.
 */

export interface LocalEngineOptions {
  binary: string;
  /** Folder for the generated config.json. */
  dir: string;
  port: number;
  tokenHmacSecret: string;
  apiKey: string;
  allowedOrigins: string[];
  /** Where the engine's subscribe proxy reaches the app, and the secret header it sends. */
  subscribeProxy: { appUrl: string; secret: string };
  /** Extra CENTRIFUGO_* variables (e.g. a Redis engine for several nodes). */
  env?: Record<string, string>;
}

export interface LocalEngine {
  url: string;
  process: ChildProcess;
  /** Everything the engine printed so far (for test failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Where `npm run engine:install` (scripts/install-engine.sh) builds the engine. */
export const BUILT_ENGINE = join(projectRoot(), '.cache', 'bin', 'centrifugo');

/** CENTRIFUGO_BIN, else `centrifugo` on PATH, else .cache/bin/centrifugo (built by `npm run engine:install`). */
export function findEngineBinary(explicit?: string): string | undefined {
  if (explicit) return existsSync(explicit) ? resolve(explicit) : undefined;
  const onPath = spawnSync('sh', ['-c', 'command -v centrifugo'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  return existsSync(BUILT_ENGINE) ? BUILT_ENGINE : undefined;
}

/** The engine configuration deployments use (namespaces `public` and `private`; see the file). */
export const DEPLOY_ENGINE_CONFIG = join(projectRoot(), 'deploy', 'centrifugo', 'config.json');

/**
 * The deployment's engine configuration with this machine's port, secrets, allowed origins and app URL, so
 * that dev and tests run the very namespaces and subscribe proxy that docker-compose and Kubernetes run.
 */
type Section = Record<string, unknown>;
/** The parts of deploy/centrifugo/config.json that are filled in here. */
interface DeployConfig extends Section {
  http_server: Section;
  client: Section;
  channel: Section & { proxy: Section & { subscribe: Section & { endpoint: string; http?: Section } } };
}

export function engineConfig(options: Omit<LocalEngineOptions, 'binary' | 'dir' | 'env'>): object {
  const config = JSON.parse(readFileSync(DEPLOY_ENGINE_CONFIG, 'utf8')) as DeployConfig;
  const subscribeProxy = config.channel.proxy.subscribe;
  return {
    ...config,
    http_server: { ...config.http_server, port: options.port, address: '127.0.0.1' },
    client: { ...config.client, token: { hmac_secret_key: options.tokenHmacSecret }, allowed_origins: options.allowedOrigins },
    http_api: { key: options.apiKey },
    channel: {
      ...config.channel,
      proxy: {
        ...config.channel.proxy,
        subscribe: {
          ...subscribeProxy,
          endpoint: `${options.subscribeProxy.appUrl}${new URL(subscribeProxy.endpoint).pathname}`,
          http: { ...subscribeProxy.http, static_headers: { [ENGINE_PROXY_SECRET_HEADER]: options.subscribeProxy.secret } },
        },
      },
    },
  };
}

export async function startLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  await mkdir(options.dir, { recursive: true });
  const configPath = join(options.dir, 'config.json');
  await writeFile(configPath, JSON.stringify(engineConfig(options), null, 2) + '\n', { mode: 0o600 });
  return runEngine(options.binary, configPath, `http://127.0.0.1:${options.port}`, options.env);
}

/** Runs Centrifugo with a config file (and extra CENTRIFUGO_* variables) until its /health answers. */
export async function runEngine(binary: string, configPath: string, url: string, env: Record<string, string> = {}): Promise<LocalEngine> {
  const child = spawn(binary, ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const engine: LocalEngine = {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitForHealth(url, child, 15_000);
  } catch (error) {
    await engine.stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return engine;
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Centrifugo exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`Centrifugo did not answer ${url}/health within ${timeoutMs} ms`);
}
