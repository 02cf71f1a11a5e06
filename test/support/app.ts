import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import { Clock } from '../../src/platform/clock';
import { ProjectsService } from '../../src/domain/projects/projects.service';
import { CLI_ACTOR } from '../../src/domain/audit/actor';
import { UNRESTRICTED_PATTERNS } from '../../src/domain/channels/channel-policy';

export const TEST_SECRET = 'test-hmac-secret-with-at-least-32-characters';
export const TEST_PROXY_SECRET = 'test-engine-proxy-secret';

export interface TestAppOptions {
  /** Environment for this app; unset names keep the test defaults below. `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  clock?: Clock;
}

const DEFAULT_ENV: Record<string, string | undefined> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: TEST_SECRET,
  CENTRIFUGO_TOKEN_HMAC_SECRET: undefined,
  ENGINE_PROXY_SECRET: TEST_PROXY_SECRET,
  // Specs send many requests, and many refused ones, from one address; the limits have specs of their own.
  RATE_LIMIT_PER_MINUTE: '1000000',
  AUTH_FAILURES_PER_MINUTE: '1000000',
};

/**
 * The application exactly as main.ts builds it (same module, same setup), against the run's test database.
 * Configuration is read from process.env when the module initializes, so it is set just for that moment.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<NestExpressApplication> {
  const env = { ...DEFAULT_ENV, ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  setEnv(env);
  try {
    let builder = Test.createTestingModule({ imports: [AppModule] });
    if (options.clock) builder = builder.overrideProvider(Clock).useValue(options.clock);
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
    setupApp(app);
    await app.init();
    return app;
  } finally {
    setEnv(saved);
  }
}

function setEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/**
 * A new project with a unique name; returns its id, slug and both keys. Unrestricted unless `channels` is
 * given (null: the default policy of a new project, `*:<slug>.*`).
 */
export async function createProject(
  app: NestExpressApplication,
  name = 'Test project',
  channels: readonly string[] | null = UNRESTRICTED_PATTERNS,
) {
  const unrestricted = channels === UNRESTRICTED_PATTERNS;
  const { project, serverApiKey, clientApiKey } = await app
    .get(ProjectsService)
    .createProject(CLI_ACTOR, unrestricted ? { name, unrestricted } : { name, channels: channels ?? undefined });
  return { projectId: project.id, slug: project.slug, serverApiKey, clientApiKey };
}

/** A server-API call (`POST /api/realtime/<path>`) with a project's server key, as a backend makes it. */
export function serverApiCall(app: NestExpressApplication, key: string, path: string, body: object = {}) {
  return request(app.getHttpServer()).post(`/api/realtime/${path}`).set('Authorization', `apikey ${key}`).send(body);
}
