import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp } from './support/app';
import { runCli } from './support/processes';

/**
 * No two projects own one channel: every path that gives a project patterns (admin API, CLI, the default
 * slug) is refused when they overlap another project's; only an explicitly unrestricted project is exempt.
 * The run's database is shared by every spec, so each test uses patterns of its own words.
 */
describe('channel ownership between projects', () => {
  let app: NestExpressApplication;
  let adminKey: string;

  beforeAll(async () => {
    app = await createTestApp({ env: { API_KEY_CACHE_TTL_SECONDS: '0' } });
    adminKey = JSON.parse((await runCli(['admin-keys', 'create', '--name', 'Ownership', '--json'])).stdout).key;
  });
  afterAll(() => app.close());

  const admin = (method: 'get' | 'post' | 'patch', path: string) =>
    request(app.getHttpServer())[method](`/api/admin${path}`).set('Authorization', `Bearer ${adminKey}`);
  const createProject = (body: object) => admin('post', '/projects').send(body);
  const publish = (key: string, channel: string) =>
    request(app.getHttpServer()).post('/api/realtime/publish').set('Authorization', `apikey ${key}`).send({ channel, data: {} });
  const mint = (key: string, channels: string[]) =>
    request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${key}`).send({ userId: 'u', channels });

  it('gives a project named like another\'s explicit prefix the next free slug (the "Shared" attack)', async () => {
    const shop = (await createProject({ name: 'Shop Ownership', channels: ['*:shop-own.*', 'public:sharedown.*'] }).expect(201)).body;
    const shared = (await createProject({ name: 'SharedOwn' }).expect(201)).body;
    expect(shared.project.slug).toBe('sharedown-2');
    expect(shared.project.channels).toEqual(['*:sharedown-2.*']);
    // Its key reaches none of Shop's channels: publish, token and the channel API all say 403.
    await publish(shared.serverApiKey, 'public:sharedown.orders').expect(403);
    await mint(shared.serverApiKey, ['public:sharedown.orders']).expect(403);
    await mint(shop.serverApiKey, ['public:sharedown.orders']).expect(200);
  });

  it('refuses an admin PATCH that would reach into another project with 409 naming its pattern, and changes nothing', async () => {
    const a = (await createProject({ name: 'Patch A' }).expect(201)).body.project;
    const b = (await createProject({ name: 'Patch B' }).expect(201)).body.project;
    const refused = await admin('patch', `/projects/${a.id}`)
      .send({ channels: [`*:${b.slug}.*`] })
      .expect(409);
    expect(refused.body).toEqual({
      statusCode: 409,
      error: `Channel pattern "*:${b.slug}.*" overlaps "*:${b.slug}.*" of project "Patch B" (${b.slug}): two projects may not own one channel. Choose patterns outside it.`,
    });
    // A pattern that only partly covers B's is refused as well: one common channel is enough.
    await admin('patch', `/projects/${a.id}`)
      .send({ channels: ['private:*'] })
      .expect(409);
    expect((await admin('get', `/projects/${a.id}`).expect(200)).body.channels).toEqual([`*:${a.slug}.*`]);
    const audit = (await admin('get', `/audit?projectId=${a.id}`).expect(200)).body.entries;
    expect(audit.map((entry: { action: string }) => entry.action)).toEqual(['project.create']);
  });

  it('refuses explicit overlapping patterns at creation with 409', async () => {
    const owner = (await createProject({ name: 'Creation owner', channels: ['news:creation.*'] }).expect(201)).body.project;
    const refused = await createProject({ name: 'Creation intruder', channels: ['news:creation.sport*'] }).expect(409);
    expect(refused.body.error).toContain(`"news:creation.*" of project "Creation owner" (${owner.slug})`);
    // Disjoint neighbours are fine: another namespace, or a prefix that cannot meet this one.
    await createProject({ name: 'Creation neighbour', channels: ['news:creations.*', 'sport:creation.*'] }).expect(201);
  });

  it('lets only one of two concurrent changes to overlapping patterns through', async () => {
    const a = (await createProject({ name: 'Race A' }).expect(201)).body.project;
    const b = (await createProject({ name: 'Race B' }).expect(201)).body.project;
    const answers = await Promise.all([
      admin('patch', `/projects/${a.id}`).send({ channels: ['race:contested.*'] }),
      admin('patch', `/projects/${b.id}`).send({ channels: ['race:*.x'] }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
  });

  it('refuses the CLI with exit code 1 and the same message', async () => {
    const owner = (await createProject({ name: 'Cli owner', channels: ['cli:owned.*'] }).expect(201)).body.project;
    const other = (await createProject({ name: 'Cli other' }).expect(201)).body.project;
    const setChannels = await runCli(['projects', 'set-channels', other.id, 'cli:owned.x*']);
    expect(setChannels.code).toBe(1);
    expect(setChannels.stderr).toContain(`overlaps "cli:owned.*" of project "Cli owner" (${owner.slug})`);
    const create = await runCli(['projects', 'create', '--name', 'Cli intruder', '--channels', 'cli:owned.x']);
    expect(create.code).toBe(1);
    expect(create.stderr).toContain('two projects may not own one channel');
  });

  it('exempts an explicitly unrestricted project, marks it, and does not let a restricted one take every channel', async () => {
    const open = (await createProject({ name: 'Open one', unrestricted: true }).expect(201)).body;
    expect(open.project).toMatchObject({ channels: ['*:*', '*'], unrestricted: true });
    await publish(open.serverApiKey, 'anything:at.all').expect((response) => expect(response.status).not.toBe(403));
    expect((await admin('get', `/projects/${open.project.id}`).expect(200)).body.unrestricted).toBe(true);
    expect((await runCli(['projects', 'list'])).stdout).toContain('UNRESTRICTED');
    // Other projects are still created beside it.
    await createProject({ name: 'Beside open' }).expect(201);

    // The same patterns, asked for as a list rather than as unrestricted, overlap every other project.
    const restricted = (await createProject({ name: 'Not open' }).expect(201)).body.project;
    await admin('patch', `/projects/${restricted.id}`)
      .send({ channels: ['*:*', '*'] })
      .expect(409);
    await createProject({ name: 'Both', unrestricted: true, channels: ['x:*'] }).expect(400);
    await admin('patch', `/projects/${restricted.id}`).send({ unrestricted: false }).expect(400);
  });

  it('reports overlaps already in the database in `projects check` and /health/ready, without failing readiness', async () => {
    const a = (await createProject({ name: 'Legacy A', channels: ['legacy:a.*'] }).expect(201)).body.project;
    const b = (await createProject({ name: 'Legacy B', channels: ['legacy:b.*'] }).expect(201)).body.project;
    // As a database from before the rule may hold: written around the service.
    await app.get(DataSource).query(`UPDATE projects SET channel_patterns = '{"legacy:*"}' WHERE id = $1`, [b.id]);
    await app.get(DataSource).query(`SELECT pg_notify('xshathra_project_changes', '')`);
    try {
      const check = await runCli(['projects', 'check', '--json']);
      expect(check.code).toBe(1);
      expect(JSON.parse(check.stdout).overlaps).toContainEqual({
        projects: [
          { id: a.id, slug: a.slug, pattern: 'legacy:a.*' },
          { id: b.id, slug: b.slug, pattern: 'legacy:*' },
        ],
      });
      let ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
      for (let i = 0; i < 50 && ready.body.details.channelPatterns.overlaps === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
      }
      expect(ready.body.status).toBe('ok');
      expect(ready.body.details.channelPatterns).toMatchObject({ status: 'up', overlaps: expect.any(Number) });
      expect(ready.body.details.channelPatterns.overlaps).toBeGreaterThanOrEqual(1);
    } finally {
      // The run's database is shared: leave no overlap behind for the specs that expect none.
      await app.get(DataSource).query(`UPDATE projects SET channel_patterns = '{"legacy:b.*"}' WHERE id = $1`, [b.id]);
      await app.get(DataSource).query(`SELECT pg_notify('xshathra_project_changes', '')`);
    }
  });

  it.each([
    ['NUL', 'bad\u0000name'],
    ['a lone surrogate', 'bad\ud800name'],
    ['a control character', 'bad\u0007name'],
  ])('answers 400, not 500, for a project name with %s', async (_what, name) => {
    const answer = await admin('post', '/projects').set('Content-Type', 'application/json').send(JSON.stringify({ name })).expect(400);
    expect(answer.body.error).toBe('A project name must be well-formed Unicode without control characters.');
  });
});
