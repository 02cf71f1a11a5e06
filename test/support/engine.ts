import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/platform/ports';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Clock } from '../../src/platform/clock';
import { findEngineBinary, LocalEngine, startLocalEngine } from '../../src/dev/local-engine';
import { createProject, createTestApp, TEST_PROXY_SECRET, TEST_SECRET } from './app';

/** A real Centrifugo v6 per spec file, on a free port, with a generated config (see engineConfig). */

export const ENGINE_BINARY = findEngineBinary(process.env.CENTRIFUGO_BIN);
export const ENGINE_API_KEY = 'test-engine-api-key';
export const ALLOWED_ORIGIN = 'http://app.example';

/**
 * `describe` for specs that need the engine. Without a binary they skip loudly, except under
 * REQUIRE_ENGINE=1 (CI), where the missing engine is a failure.
 */
export function describeWithEngine(name: string, body: () => void): void {
  if (ENGINE_BINARY) return describe(name, body);
  const hint = 'No Centrifugo binary: run `npm run engine:install` (needs Go) or set CENTRIFUGO_BIN.';
  if (process.env.REQUIRE_ENGINE === '1') {
    describe(name, () =>
      it('needs a Centrifugo binary (REQUIRE_ENGINE=1)', () => {
        throw new Error(hint);
      }),
    );
    return;
  }
  process.stderr.write(`\n!!! SKIPPING "${name}": ${hint}\n\n`);
  describe.skip(name, body);
}

export interface TestEngine {
  url: string;
  stop(): Promise<void>;
  /** Starts the engine again on the same port (after stop). */
  start(): Promise<void>;
}

/** An engine whose subscribe proxy calls the app that will listen on 127.0.0.1:appPort. */
export async function startTestEngine(appPort: number, extraOrigins: string[] = [], env: Record<string, string> = {}): Promise<TestEngine> {
  const options = {
    binary: ENGINE_BINARY!,
    dir: mkdtempSync(join(tmpdir(), 'xshathra-engine-')),
    port: await freePort(),
    tokenHmacSecret: TEST_SECRET,
    apiKey: ENGINE_API_KEY,
    allowedOrigins: [ALLOWED_ORIGIN, ...extraOrigins],
    subscribeProxy: { appUrl: `http://127.0.0.1:${appPort}`, secret: TEST_PROXY_SECRET },
    env,
  };
  let engine: LocalEngine | undefined = await startLocalEngine(options);
  return {
    url: engine.url,
    stop: async () => {
      await engine?.stop();
      engine = undefined;
    },
    start: async () => {
      engine = await startLocalEngine(options);
    },
  };
}

/**
 * A Centrifugo and the app wired to it both ways (publish and /realtime one way, the subscribe proxy the
 * other), listening on 127.0.0.1 unless told not to, with one unrestricted project.
 */
export async function startEngineAndApp(
  projectName: string,
  options: { clock?: Clock; port?: number; listen?: boolean; extraOrigins?: string[]; env?: Record<string, string | undefined> } = {},
): Promise<{ engine: TestEngine; app: NestExpressApplication; serverApiKey: string; auth: string }> {
  const port = options.port ?? (await freePort());
  const engine = await startTestEngine(port, options.extraOrigins);
  const app = await createTestApp({
    clock: options.clock,
    env: { CENTRIFUGO_UPSTREAM_URL: engine.url, CENTRIFUGO_API_KEY: ENGINE_API_KEY, ...options.env },
  });
  if (options.listen !== false) await app.listen(port, '127.0.0.1');
  const { serverApiKey } = await createProject(app, projectName);
  return { engine, app, serverApiKey, auth: `apikey ${serverApiKey}` };
}
