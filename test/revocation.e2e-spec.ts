import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestApp } from './support/app';
import { runCli } from './support/processes';

const BOUND_MS = 1000;

/**
 * Two instances on one database, with the default 5 s key cache: a revoke (or a policy change) made with
 * the CLI reaches both through PostgreSQL LISTEN/NOTIFY, well inside a second.
 */
describe('changes made with the CLI, seen by two running instances', () => {
  let instances: NestExpressApplication[];

  beforeAll(async () => {
    instances = [
      await createTestApp({ env: { API_KEY_CACHE_TTL_SECONDS: undefined } }),
      await createTestApp({ env: { API_KEY_CACHE_TTL_SECONDS: undefined } }),
    ];
  });
  afterAll(async () => {
    for (const app of instances ?? []) await app.close();
  });

  const cli = async (...args: string[]) => {
    const result = await runCli([...args, '--json']);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout);
  };
  const mint = (app: NestExpressApplication, key: string, body: object = { userId: 'u' }) =>
    request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${key}`).send(body);

  /** Milliseconds from `since` until every instance answers `status`, polling every 10 ms. */
  const untilAll = async (since: number, status: number, send: (app: NestExpressApplication) => request.Test) => {
    const pending = new Set(instances);
    while (pending.size > 0 && Date.now() - since < 10_000) {
      for (const app of [...pending]) if ((await send(app)).status === status) pending.delete(app);
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return Date.now() - since;
  };

  it(`refuses a revoked key on both instances within ${BOUND_MS} ms`, async () => {
    const project = await cli('projects', 'create', '--name', 'Revoked across instances');
    for (const app of instances) await mint(app, project.serverApiKey).expect(200); // both caches hold the key
    const { keys } = await cli('keys', 'list', '--project', project.project.id);
    const serverKey = keys.find((key: { kind: string }) => key.kind === 'server');

    await cli('keys', 'revoke', serverKey.id);
    const elapsed = await untilAll(Date.now(), 401, (app) => mint(app, project.serverApiKey));
    process.stderr.write(`revocation reached both instances ${elapsed} ms after the CLI returned\n`);
    expect(elapsed).toBeLessThan(BOUND_MS);
  });

  it(`applies a channel-policy change and a disable on both instances within ${BOUND_MS} ms`, async () => {
    const project = await cli('projects', 'create', '--name', 'Policy across instances');
    const channel = 'public:elsewhere.lobby';
    for (const app of instances) await mint(app, project.serverApiKey, { userId: 'u', channels: [channel] }).expect(403);

    await cli('projects', 'set-channels', project.project.id, 'public:elsewhere.*');
    expect(await untilAll(Date.now(), 200, (app) => mint(app, project.serverApiKey, { userId: 'u', channels: [channel] }))).toBeLessThan(
      BOUND_MS,
    );

    await cli('projects', 'disable', project.project.id);
    expect(await untilAll(Date.now(), 401, (app) => mint(app, project.serverApiKey))).toBeLessThan(BOUND_MS);
  });
});
