// The service as the benchmarks run it: a local Centrifugo, the app as `npm run start:prod` runs it (every
// feature on, info logging to a file), and one unrestricted bench project.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The dev launchers come from the sources (compiled on load by ts-node), not from dist/: the bench depends on
// what they do, not on where the build puts them. The app itself runs built, as `npm run start:prod` runs it.
const require = createRequire(import.meta.url);
require('ts-node').register({ transpileOnly: true, project: new URL('../tsconfig.json', import.meta.url).pathname });
const { startLocalEngine } = require('../src/dev/local-engine.ts');
const { findOrBuildEngine } = require('../src/dev/dev-engine.ts');
const { freePort } = require('../src/platform/ports.ts');

/**
 * Starts the engine and the app. `script` runs the app (bench/profiled-main.cjs: under the profiler); `env` adds
 * variables (e.g. MAX_PROXIED_WEBSOCKETS), `engineEnv` CENTRIFUGO_* ones for the engine. DATABASE_URL is used
 * when set, else the embedded database.
 */
export async function startStack({ script = 'dist/src/main.js', env = {}, engineEnv = {} } = {}) {
  const binary = findOrBuildEngine(process.env.CENTRIFUGO_BIN); // on a clean clone, built with Go as `npm run dev` does
  if (typeof binary !== 'string') throw new Error(`No Centrifugo: ${binary.missing}.`);
  const secret = randomBytes(32).toString('base64url');
  const engineApiKey = randomBytes(24).toString('base64url');
  const proxySecret = randomBytes(24).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'xshathra-bench-'));
  chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as the `postgres` user when we are root
  const appPort = await freePort();
  const engine = await startLocalEngine({
    binary,
    dir: join(dataDir, 'engine'),
    port: await freePort(),
    tokenHmacSecret: secret,
    apiKey: engineApiKey,
    allowedOrigins: ['*'],
    subscribeProxy: { appUrl: `http://127.0.0.1:${appPort}`, secret: proxySecret },
    env: engineEnv,
  });
  const appEnv = {
    ...process.env,
    XSHATHRA_DATA_DIR: join(dataDir, 'data'),
    LOG_LEVEL: 'info',
    PORT: String(appPort),
    CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: secret,
    CENTRIFUGO_UPSTREAM_URL: engine.url,
    CENTRIFUGO_API_KEY: engineApiKey,
    ENGINE_PROXY_SECRET: proxySecret,
    // The route table of a production deployment (the Dockerfile sets NODE_ENV=production, where both are off).
    API_DOCS: 'false',
    SOCKET_TEST_PAGE: 'false',
    ...env,
  };
  let app;
  try {
    app = await startApp(appEnv, script);
  } catch (error) {
    await engine.stop();
    throw error;
  }
  const cli = (...args) =>
    JSON.parse(execFileSync(process.execPath, ['dist/src/cli.js', ...args, '--json'], { env: appEnv, encoding: 'utf8' }));
  const project = cli('projects', 'create', '--name', 'Bench', '--unrestricted');
  // The bench project's own limit, high enough not to refuse the load: the limiter still counts every request.
  cli('projects', 'set-rate-limit', project.project.id, '10000000');
  return {
    appUrl: `http://127.0.0.1:${appPort}`,
    app,
    engine,
    engineApiKey,
    secret,
    serverKey: project.serverApiKey,
    projectId: project.project.id,
    stop: async () => {
      await app.stop();
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The app's standard output (one JSON line per request) goes to a file, as a container runtime's log driver
 * would take it: a pipe read by this process would stall the app whenever the load generator, which shares
 * this process, is busy.
 */
async function startApp(appEnv, script) {
  const logPath = join(appEnv.XSHATHRA_DATA_DIR, '..', 'app.log');
  const log = openSync(logPath, 'w');
  const child = spawn(process.execPath, [script], { env: appEnv, stdio: ['ignore', log, 'pipe', 'ipc'] });
  closeSync(log);
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const output = () => readFileSync(logPath, 'utf8') + errors;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 600 && !/Nest application successfully started/.test(output()); i++) {
    if (child.exitCode !== null) throw new Error(`The app exited:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    pid: child.pid,
    /** What the app logged so far. */
    output,
    /** A message on the IPC channel (bench/profiled-main.cjs listens for 'profile:start' and 'profile:stop'). */
    send: (message) => child.send(message),
    /** Sends a signal and waits for the process to end. */
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}
