import { join, resolve } from 'node:path';
import { freePort, isPortFree } from '../common/ports';
import { findEngineBinary, LocalEngine, startLocalEngine } from '../engine/local-engine';

const PREFERRED_PORT = 8000;

export type DevEngine = { engine: LocalEngine } | { missing: string };

/** Starts a local Centrifugo for `npm run dev` with the dev secrets, when a binary is available. */
export async function startDevEngine(options: {
  dataDir: string;
  centrifugoBin?: string;
  appPort: number;
  tokenHmacSecret: string;
  apiKey: string;
  proxySecret: string;
}): Promise<DevEngine> {
  const binary = findEngineBinary(options.centrifugoBin);
  if (!binary) {
    return {
      missing: options.centrifugoBin
        ? `CENTRIFUGO_BIN points at ${options.centrifugoBin}, which does not exist`
        : 'no Centrifugo binary found (CENTRIFUGO_BIN, `centrifugo` on PATH, .cache/bin/centrifugo)',
    };
  }
  const port = (await isPortFree(PREFERRED_PORT)) ? PREFERRED_PORT : await freePort();
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
