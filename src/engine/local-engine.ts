import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

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
}

export interface LocalEngine {
  url: string;
  process: ChildProcess;
  /** Everything the engine printed so far (for test failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** CENTRIFUGO_BIN, else `centrifugo` on PATH, else .cache/bin/centrifugo (built by `npm run engine:install`). */
export function findEngineBinary(explicit?: string): string | undefined {
  if (explicit) return existsSync(explicit) ? resolve(explicit) : undefined;
  const onPath = spawnSync('sh', ['-c', 'command -v centrifugo'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const built = resolve('.cache/bin/centrifugo');
  return existsSync(built) ? built : undefined;
}

/**
 * The v6 configuration the control plane expects: HS256 connection tokens signed with our secret, an
 * HTTP API key, /health on, and two namespaces: `public` (any authenticated connection may subscribe)
 * and `private` (a subscription token is required, because no allow_subscribe_* flag is set).
 */
export function engineConfig(options: Omit<LocalEngineOptions, 'binary' | 'dir'>): object {
  return {
    http_server: { port: options.port, address: '127.0.0.1' },
    log: { level: 'info' },
    client: {
      token: { hmac_secret_key: options.tokenHmacSecret },
      allowed_origins: options.allowedOrigins,
    },
    http_api: { key: options.apiKey },
    health: { enabled: true },
    channel: {
      namespaces: [
        { name: 'public', allow_subscribe_for_client: true, presence: true, history_size: 100, history_ttl: '300s', force_recovery: true },
        { name: 'private', presence: true, join_leave: true, history_size: 100, history_ttl: '300s', force_recovery: true },
      ],
    },
  };
}

export async function startLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  await mkdir(options.dir, { recursive: true });
  const configPath = join(options.dir, 'config.json');
  await writeFile(configPath, JSON.stringify(engineConfig(options), null, 2) + '\n', { mode: 0o600 });

  const child = spawn(options.binary, ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const url = `http://127.0.0.1:${options.port}`;
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
