import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort, isPortFree } from '../platform/ports';
import { projectRoot } from '../platform/project-root';
import { findEngineBinary, LocalEngine, startLocalEngine } from './local-engine';

const PREFERRED_PORT = 8000;

export type DevEngine = { engine: LocalEngine } | { missing: string };

/**
 * Starts a local Centrifugo for `npm run dev` with the dev secrets. On a first run without an engine, it
 * builds one with Go (scripts/install-engine.sh, its progress shown as it goes) when Go is installed.
 */
export async function startDevEngine(options: {
  dataDir: string;
  centrifugoBin?: string;
  appPort: number;
  tokenHmacSecret: string;
  apiKey: string;
  proxySecret: string;
}): Promise<DevEngine> {
  const binary = findOrBuildEngine(options.centrifugoBin);
  if (typeof binary !== 'string') return binary;
  // Never the app's own PORT (PORT=8000 npm run dev): the app listens there right after.
  const port = options.appPort !== PREFERRED_PORT && (await isPortFree(PREFERRED_PORT)) ? PREFERRED_PORT : await freePort();
  const engine = await startLocalEngine({
    binary,
    dir: join(resolve(options.dataDir), 'centrifugo'),
    port,
    tokenHmacSecret: options.tokenHmacSecret,
    apiKey: options.apiKey,
    subscribeProxy: { appUrl: `http://127.0.0.1:${options.appPort}`, secret: options.proxySecret },
    allowedOrigins: [`http://localhost:${options.appPort}`, `http://127.0.0.1:${options.appPort}`],
  });
  return { engine };
}

/**
 * The engine binary (CENTRIFUGO_BIN, else on PATH, else .cache/bin), built with Go on a first run (`npm run dev`
 * and `npm run bench`); or why there is none.
 */
export function findOrBuildEngine(centrifugoBin?: string): string | { missing: string } {
  if (centrifugoBin && !findEngineBinary(centrifugoBin)) {
    return { missing: `CENTRIFUGO_BIN points at ${centrifugoBin}, which does not exist` };
  }
  return findEngineBinary(centrifugoBin) ?? buildEngine();
}

/** Builds Centrifugo into .cache/bin with Go; the path of the binary, or why there is none. */
function buildEngine(): string | { missing: string } {
  if (spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).status !== 0) {
    return {
      missing:
        'no Centrifugo binary, and no Go to build one: install Go and run the command again, or set CENTRIFUGO_BIN (or, for `npm run dev`, CENTRIFUGO_UPSTREAM_URL)',
    };
  }
  process.stdout.write('No Centrifugo yet: building it with Go (first run only; this takes a minute or two)…\n');
  const build = spawnSync('bash', [join(projectRoot(), 'scripts', 'install-engine.sh')], { stdio: 'inherit' });
  const binary = build.status === 0 ? findEngineBinary() : undefined;
  return binary ?? { missing: 'building Centrifugo with Go failed (see above); `npm run engine:install` retries it' };
}
