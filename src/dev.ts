// First: on an unsupported Node, one clear line instead of a crash inside a dependency.
import './platform/node-version';
import 'reflect-metadata';
import { ApiKeyAuthenticator } from './domain/access/api-key.authenticator';
import { environmentSets, loadAppConfig, useEnvironmentDefaults } from './platform/config/app.config';
import { startDevEngine } from './dev/dev-engine';
import { loadOrCreateDevSecrets, readDevAdminKey, readDevProject, saveDevAdminKey, saveDevProject } from './dev/dev-state';
import { AdminKeyAuthenticator } from './domain/access/admin-key.authenticator';
import { AdminKeysService } from './domain/admin-keys/admin-keys.service';
import { bootstrap, exitOnStartupError, portInUse } from './main';
import { isPortFree } from './platform/ports';
import { PinoLogger } from 'nestjs-pino';
import { ProjectsService } from './domain/projects/projects.service';
import { CLI_ACTOR } from './domain/audit/actor';

/**
 * `npm run dev`: the service with zero configuration. Embedded PostgreSQL, secrets generated once under the
 * data folder, and a "Development" project whose server key is printed with a curl that works as shown.
 * Anything already set in the environment wins over these defaults.
 */
async function dev(): Promise<void> {
  const { dataDir, port } = loadAppConfig();
  // Before the database and the engine start: a busy port is one line, with nothing left running.
  if (!(await isPortFree(port))) throw portInUse(port);
  const secrets = await loadOrCreateDevSecrets(dataDir);
  // A quiet boot: unless LOG_LEVEL says otherwise, only warnings until the banner, then requests at info.
  const quietBoot = !environmentSets('LOG_LEVEL');
  const defaults = {
    LOG_FORMAT: 'pretty',
    LOG_LEVEL: 'warn',
    CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: secrets.tokenHmacSecret,
    CENTRIFUGO_API_KEY: secrets.engineApiKey,
    ENGINE_PROXY_SECRET: secrets.engineProxySecret,
  };
  useEnvironmentDefaults(defaults);
  const engine = await startEngineUnlessConfigured();
  if (engine.url) useEnvironmentDefaults({ ...defaults, CENTRIFUGO_UPSTREAM_URL: engine.url });

  const { app, config } = await bootstrap();
  const serverApiKey = await ensureDevProjectKey(app.get(ProjectsService), app.get(ApiKeyAuthenticator), dataDir);
  const adminKey = await ensureDevAdminKey(app.get(AdminKeysService), app.get(AdminKeyAuthenticator), dataDir);
  if (engine.stop) app.getHttpServer().once('close', engine.stop);
  const origin = `http://localhost:${config.port}`;
  const exampleOrigin = origin === DEFAULT_ORIGIN ? '' : `XSHATHRA_ORIGIN=${origin} `;
  process.stdout.write(
    [
      '',
      `Xshathra Realtime (development) is listening on ${origin}`,
      `  Console:             ${origin}/console/  (sign in with the dev admin key below)`,
      `  Dev admin key:       ${adminKey}  (stored in ${dataDir}/dev-admin-key.json)`,
      `  OpenAPI docs:        ${origin}/api/docs`,
      ...(config.socketTestPage
        ? [`  Test page:           ${origin}/socket-auth-test.html  (paste a server key, connect, subscribe, publish)`]
        : []),
      // The console's line belongs here once there is one.
      `  Engine:              ${engine.line}`,
      `  Dev server API key:  ${serverApiKey}  (project "Development", every channel)`,
      `  JWT signing secret:  ${config.tokenHmacSecret}  (HS256; dev only, stored in ${dataDir}/dev-secrets.json)`,
      '',
      "Run the example client (it subscribes to a channel of the key's project and prints what arrives):",
      `  ${exampleOrigin}XSHATHRA_SERVER_API_KEY=${serverApiKey} node examples/node-client.mjs`,
      '',
      'Create a project of your own (it prints its server key; use that key anywhere above):',
      '  npm run --silent cli -- projects create --name "My App"',
      '',
      'Mint a connection token:',
      ...curl(`${origin}/api/realtime/token`, serverApiKey, {
        userId: 'user_01HZEXAMPLE',
        ttlSeconds: 900,
        channels: ['public:lobby'],
        info: { displayName: 'Player One' },
      }),
      '',
      'Publish to a channel:',
      ...curl(`${origin}/api/realtime/publish`, serverApiKey, {
        channel: 'public:lobby',
        data: { type: 'ping', at: '2026-03-30T12:00:00.000Z' },
      }),
      '',
    ].join('\n') + '\n',
  );
  if (quietBoot) PinoLogger.root.level = 'info';
}

/** Where examples/node-client.mjs looks unless XSHATHRA_ORIGIN says otherwise. */
const DEFAULT_ORIGIN = 'http://localhost:3001';

/** A ready-to-paste curl for a JSON POST with the dev key. */
function curl(url: string, serverApiKey: string, body: object): string[] {
  return [
    `  curl -sS -X POST "${url}" \\`,
    `    -H "Authorization: apikey ${serverApiKey}" \\`,
    `    -H "Content-Type: application/json" \\`,
    `    -d '${JSON.stringify(body)}'`,
  ];
}

/**
 * A local Centrifugo with the dev secrets, unless CENTRIFUGO_UPSTREAM_URL names one already.
 * Returns the line to print about the engine.
 */
async function startEngineUnlessConfigured(): Promise<{ line: string; url?: string; stop?: () => void }> {
  const config = loadAppConfig();
  if (config.engineUrl) return { line: `${config.engineUrl} (CENTRIFUGO_UPSTREAM_URL)` };
  const started = await startDevEngine({
    dataDir: config.dataDir,
    centrifugoBin: config.centrifugoBin,
    appPort: config.port,
    tokenHmacSecret: config.tokenHmacSecret!,
    apiKey: config.engineApiKey!,
    proxySecret: config.engineProxySecret!,
  });
  if ('missing' in started) {
    return {
      line: `NOT RUNNING: ${started.missing}. Until then publish answers 503 and /realtime 502.`,
    };
  }
  const { engine } = started;
  // Stop the engine with the app: when its server closes (SIGINT/SIGTERM), or at the latest on exit.
  process.once('exit', () => engine.process.kill('SIGTERM'));
  return {
    line: `Centrifugo ${engine.url} (config in ${config.dataDir}/centrifugo/config.json); browsers connect through ws://localhost:${config.port}/realtime/connection/websocket`,
    url: engine.url,
    stop: () => void engine.stop(),
  };
}

/**
 * The saved dev key if it still works, else a new "Development" project (first run, or after a revoke). It is
 * unrestricted (every channel), so the spec's examples (`public:lobby`) run as printed.
 */
async function ensureDevProjectKey(projects: ProjectsService, authenticator: ApiKeyAuthenticator, dataDir: string): Promise<string> {
  const saved = await readDevProject(dataDir);
  if (saved && (await authenticator.check(saved.serverApiKey)).ok) return saved.serverApiKey;
  const { project, serverApiKey } = await projects.createProject(CLI_ACTOR, { name: 'Development', unrestricted: true });
  await saveDevProject(dataDir, { projectId: project.id, serverApiKey });
  return serverApiKey;
}

/** The saved dev admin key if it still works, else a new one (first run, or after a revoke): the console's sign-in. */
async function ensureDevAdminKey(adminKeys: AdminKeysService, authenticator: AdminKeyAuthenticator, dataDir: string): Promise<string> {
  const saved = await readDevAdminKey(dataDir);
  if (saved && (await authenticator.check(saved.adminKey))) return saved.adminKey;
  const { adminKey, key } = await adminKeys.create(CLI_ACTOR, 'Development');
  await saveDevAdminKey(dataDir, { adminKeyId: adminKey.id, adminKey: key });
  return key;
}

dev().catch(exitOnStartupError);
