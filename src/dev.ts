import 'reflect-metadata';
import { ApiKeyAuthenticator } from './auth/api-key.authenticator';
import { applyEnvDefaults, loadAppConfig } from './config/app.config';
import { loadOrCreateDevSecrets, readDevProject, saveDevProject } from './dev/dev-state';
import { bootstrap, exitOnStartupError } from './main';
import { ProjectsService } from './projects/projects.service';

/**
 * `npm run dev`: the service with zero configuration. Embedded PostgreSQL, secrets generated once under the
 * data folder, and a "Development" project whose server key is printed with a curl that works as shown.
 * Anything already set in the environment wins over these defaults.
 */
async function dev(): Promise<void> {
  const { dataDir } = loadAppConfig();
  const secrets = await loadOrCreateDevSecrets(dataDir);
  applyEnvDefaults({
    CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: secrets.tokenHmacSecret,
    CENTRIFUGO_API_KEY: secrets.engineApiKey,
  });

  const { app, config } = await bootstrap();
  const serverApiKey = await ensureDevProjectKey(app.get(ProjectsService), app.get(ApiKeyAuthenticator), dataDir);
  const origin = `http://localhost:${config.port}`;
  process.stdout.write(
    [
      '',
      `Xshathra Realtime (development) is listening on ${origin}`,
      `  OpenAPI docs:        ${origin}/api/docs`,
      `  Dev server API key:  ${serverApiKey}`,
      `  JWT signing secret:  ${config.tokenHmacSecret}  (HS256; dev only, stored in ${dataDir}/dev-secrets.json)`,
      '',
      'Mint a connection token:',
      `  curl -sS -X POST "${origin}/api/realtime/token" \\`,
      `    -H "Authorization: apikey ${serverApiKey}" \\`,
      `    -H "Content-Type: application/json" \\`,
      `    -d '{"userId": "user_01HZEXAMPLE", "ttlSeconds": 900, "channels": ["public:lobby"], "info": {"displayName": "Player One"}}'`,
      '',
    ].join('\n') + '\n',
  );
}

/** The saved dev key if it still works, else a new "Development" project (first run, or after a revoke). */
async function ensureDevProjectKey(projects: ProjectsService, authenticator: ApiKeyAuthenticator, dataDir: string): Promise<string> {
  const saved = await readDevProject(dataDir);
  if (saved && (await authenticator.check(saved.serverApiKey)).ok) return saved.serverApiKey;
  const { project, serverApiKey } = await projects.createProject('Development');
  await saveDevProject(dataDir, { projectId: project.id, serverApiKey });
  return serverApiKey;
}

dev().catch(exitOnStartupError);
