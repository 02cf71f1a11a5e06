import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { INVALID_ADMIN_KEY_MESSAGE, INVALID_KEY_MESSAGE } from '../src/http/auth/auth.guard';
import { createTestApp } from './support/app';
import { runCli } from './support/processes';

/** The admin REST API the dashboard calls, with admin keys made by the CLI, and the audit log behind it. */
describe('admin API (/api/admin)', () => {
  let app: NestExpressApplication;
  let adminKey: string;
  let adminKeyId: string;

  beforeAll(async () => {
    // No key cache: a revoke must show at once even without waiting for the announcement.
    app = await createTestApp({ env: { API_KEY_CACHE_TTL_SECONDS: '0' } });
    const created = JSON.parse((await runCli(['admin-keys', 'create', '--name', 'Dashboard', '--json'])).stdout);
    adminKey = created.key;
    adminKeyId = created.id;
  });
  afterAll(() => app.close());

  const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string, key = adminKey) =>
    request(app.getHttpServer())[method](`/api/admin${path}`).set('Authorization', `Bearer ${key}`);
  const mint = (key: string, body: object = { userId: 'u' }) =>
    request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${key}`).send(body);
  const auditOf = async (projectId: string) =>
    (await admin('get', `/audit?projectId=${projectId}`).expect(200)).body.entries as Array<Record<string, any>>;

  it("runs the dashboard's flow, and audits each step with the admin key as actor", async () => {
    expect(adminKey).toMatch(/^xs_ak_[A-Za-z0-9_-]{43}$/);

    const created = await admin('post', '/projects').send({ name: 'Dashboard Project' }).expect(201);
    const { project, serverApiKey, clientApiKey } = created.body;
    expect(project).toMatchObject({
      name: 'Dashboard Project',
      channels: [`*:${project.slug}.*`],
      rateLimitPerMinute: null,
      disabledAt: null,
    });
    expect(clientApiKey).toMatch(/^xs_pk_/);
    await mint(serverApiKey, { userId: 'u', channels: [`public:${project.slug}.lobby`] }).expect(200);

    const key = (await admin('post', `/projects/${project.id}/keys`).send({ kind: 'server' }).expect(201)).body;
    expect(key).toMatchObject({
      apiKey: { projectId: project.id, kind: 'server', revokedAt: null },
      key: expect.stringMatching(/^xs_sk_/),
    });
    await mint(key.key).expect(200);

    const patterned = await admin('patch', `/projects/${project.id}`)
      .send({ channels: ['public:dashboard-shared.*'] })
      .expect(200);
    expect(patterned.body.channels).toEqual(['public:dashboard-shared.*']);
    await mint(serverApiKey, { userId: 'u', channels: ['public:dashboard-shared.x'] }).expect(200);

    const revoked = await admin('delete', `/projects/${project.id}/keys/${key.apiKey.id}`).expect(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect((await mint(key.key).expect(401)).body.error).toBe(INVALID_KEY_MESSAGE);

    const disabled = await admin('post', `/projects/${project.id}/disable`).expect(200);
    expect(disabled.body.disabledAt).toEqual(expect.any(String));
    await mint(serverApiKey).expect(401);

    const entries = await auditOf(project.id);
    expect(entries.map((entry) => entry.action)).toEqual([
      'project.disable',
      'key.revoke',
      'project.update',
      'key.create',
      'project.create',
    ]);
    for (const entry of entries)
      expect(entry).toMatchObject({ actor: 'admin-key', adminKeyId, projectId: project.id, at: expect.any(String) });
    expect(entries[1]).toMatchObject({ keyId: key.apiKey.id, before: { revokedAt: null }, after: { revokedAt: revoked.body.revokedAt } });
    expect(entries[2]).toMatchObject({ before: { channels: [`*:${project.slug}.*`] }, after: { channels: ['public:dashboard-shared.*'] } });
    // No secret in the log: keys appear by prefix only.
    const logged = JSON.stringify(entries);
    for (const secret of [serverApiKey, clientApiKey, key.key, adminKey]) expect(logged).not.toContain(secret);
  });

  it('lists projects page by page, and gets, renames, limits and re-enables one', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await admin('post', '/projects')
            .send({ name: `Paged ${i}` })
            .expect(201)
        ).body.project.id,
      );
    const first = (await admin('get', '/projects?page=1&pageSize=2').expect(200)).body;
    expect(first).toMatchObject({ page: 1, pageSize: 2, total: expect.any(Number) });
    expect(first.projects).toHaveLength(2);
    const last = (await admin('get', `/projects?page=${Math.ceil(first.total / 2)}&pageSize=2`).expect(200)).body;
    expect(last.projects.map((p: { id: string }) => p.id)).toContain(ids[2]);

    await admin('get', `/projects/${ids[0]}`)
      .expect(200)
      .expect((res) => expect(res.body.name).toBe('Paged 0'));
    const changed = await admin('patch', `/projects/${ids[0]}`).send({ name: 'Renamed', rateLimitPerMinute: 120 }).expect(200);
    expect(changed.body).toMatchObject({ name: 'Renamed', rateLimitPerMinute: 120 });
    expect((await admin('patch', `/projects/${ids[0]}`).send({ rateLimitPerMinute: null }).expect(200)).body.rateLimitPerMinute).toBeNull();
    const disabledAt = (await admin('post', `/projects/${ids[0]}/disable`).expect(200)).body.disabledAt;
    // Disabling again changes nothing and audits nothing.
    expect((await admin('post', `/projects/${ids[0]}/disable`).expect(200)).body.disabledAt).toBe(disabledAt);
    expect((await auditOf(ids[0])).filter((entry) => entry.action === 'project.disable')).toHaveLength(1);
    expect((await admin('post', `/projects/${ids[0]}/enable`).expect(200)).body.disabledAt).toBeNull();
    const keys = (await admin('get', `/projects/${ids[0]}/keys`).expect(200)).body.keys;
    expect(keys.map((k: { kind: string }) => k.kind).sort()).toEqual(['client', 'server']);
    for (const key of keys)
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'kind', 'lastUsedAt', 'prefix', 'projectId', 'revokedAt']);
  });

  it.each([
    ['post', '/projects', { name: '' }, 400, 'A project name must be 1 to 200 characters long.'],
    [
      'post',
      '/projects',
      { name: 'x', channels: [':bad'] },
      400,
      'Invalid channel pattern ":bad": the namespace part (before the first ":") may hold only letters, digits, "-", "_" and "*".',
    ],
    [
      'post',
      '/projects',
      { name: 'x', rateLimitPerMinute: 0 },
      400,
      'A rate limit is a whole number of requests per minute from 1 to 10000000.',
    ],
    ['post', '/projects', { name: 'x', extra: 1 }, 400, 'Invalid request body: unknown field "extra".'],
    ['get', '/projects/not-a-uuid', undefined, 400, 'A project id is a UUID, got "not-a-uuid".'],
    ['get', '/projects/00000000-0000-4000-8000-000000000000', undefined, 404, 'No project with id 00000000-0000-4000-8000-000000000000.'],
    ['get', '/projects?pageSize=101', undefined, 400, 'Invalid query: pageSize must be a whole number from 1 to 100.'],
    ['get', '/audit?page=1e300', undefined, 400, 'Invalid query: page must be a whole number from 1 to 1000000.'],
    [
      'post',
      '/projects/00000000-0000-4000-8000-000000000000/keys',
      { kind: 'admin' },
      400,
      'Invalid request body: kind must be one of: server, client.',
    ],
    ['get', '/audit?projectId=nope', undefined, 400, 'Invalid query: projectId must be a UUID.'],
  ] as const)('%s %s with %j answers %i', async (method, path, body, status, error) => {
    const call = admin(method, path);
    const response = await (body ? call.send(body) : call).expect(status);
    expect(response.body).toMatchObject({ statusCode: status, error });
  });

  it('creates projects with one name at once, each with its own slug', async () => {
    const created = await Promise.all(Array.from({ length: 6 }, () => admin('post', '/projects').send({ name: 'Racer' })));
    expect(created.map((response) => response.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(created.map((response) => response.body.project.slug)).size).toBe(6);
  });

  it("refuses an empty change, and revoking another project's key through this project's path", async () => {
    const a = (await admin('post', '/projects').send({ name: 'Owner A' }).expect(201)).body.project;
    const b = (await admin('post', '/projects').send({ name: 'Owner B' }).expect(201)).body.project;
    await admin('patch', `/projects/${a.id}`).send({}).expect(400);
    const [bKey] = (await admin('get', `/projects/${b.id}/keys`).expect(200)).body.keys;
    await admin('delete', `/projects/${a.id}/keys/${bKey.id}`).expect(404);
    expect(
      (await admin('get', `/projects/${b.id}/keys`).expect(200)).body.keys.every((k: { revokedAt: null }) => k.revokedAt === null),
    ).toBe(true);
  });

  describe("keys of one kind never open the other's routes", () => {
    it('refuses a project key, a client key, no key and a made-up admin key on admin routes with 401', async () => {
      const { serverApiKey, clientApiKey } = (await admin('post', '/projects').send({ name: 'Cross use' }).expect(201)).body;
      for (const key of [serverApiKey, clientApiKey, 'xs_ak_' + 'A'.repeat(43)]) {
        expect((await admin('get', '/projects', key).expect(401)).body).toEqual({ statusCode: 401, error: INVALID_ADMIN_KEY_MESSAGE });
      }
      await request(app.getHttpServer()).get('/api/admin/projects').expect(401);
    });

    it('refuses an admin key on the project routes with 401', async () => {
      expect((await mint(adminKey).expect(401)).body.error).toBe(INVALID_KEY_MESSAGE);
      await request(app.getHttpServer())
        .post('/api/realtime/publish')
        .set('Authorization', `Bearer ${adminKey}`)
        .send({ channel: 'public:x', data: {} })
        .expect(401);
    });

    it('refuses a revoked admin key, and audits its creation and revocation as made by the CLI', async () => {
      const other = JSON.parse((await runCli(['admin-keys', 'create', '--name', 'Short-lived', '--json'])).stdout);
      await admin('get', '/projects', other.key).expect(200);
      await runCli(['admin-keys', 'revoke', other.id, '--json']);
      for (let i = 0; i < 50 && (await admin('get', '/projects', other.key)).status !== 401; i++)
        await new Promise((r) => setTimeout(r, 20));
      await admin('get', '/projects', other.key).expect(401);
      const { entries } = (await admin('get', '/audit?pageSize=100').expect(200)).body;
      const ofOther = entries
        .filter((e: { after: { id?: string } }) => e.after?.id === other.id)
        .map((e: { action: string; actor: string }) => [e.action, e.actor]);
      expect(ofOther).toEqual([
        ['admin-key.revoke', 'cli'],
        ['admin-key.create', 'cli'],
      ]);
      const listed = JSON.parse((await runCli(['admin-keys', 'list', '--json'])).stdout).adminKeys;
      expect(JSON.stringify(listed)).not.toContain(other.key);
    });
  });

  describe('the audit log', () => {
    it("cannot be changed or emptied, even with SQL on the app's own connection", async () => {
      const dataSource = app.get(DataSource);
      await expect(dataSource.query(`UPDATE audit_log SET action = 'forged'`)).rejects.toThrow('audit_log is append-only');
      await expect(dataSource.query('DELETE FROM audit_log')).rejects.toThrow('audit_log is append-only');
      await expect(dataSource.query('TRUNCATE audit_log')).rejects.toThrow('audit_log is append-only');
    });

    it('has no route that changes or removes an entry', async () => {
      for (const method of ['post', 'patch', 'delete'] as const) await admin(method, '/audit').expect(404);
    });

    it('is readable with the CLI, filtered by project', async () => {
      const { project } = (await admin('post', '/projects').send({ name: 'Audited by CLI' }).expect(201)).body;
      await runCli(['projects', 'set-channels', project.id, 'public:audited-by-cli.*', '--json']);
      const { entries } = JSON.parse((await runCli(['audit', 'list', '--project', project.id, '--json'])).stdout);
      expect(entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
        ['project.update', 'cli'],
        ['project.create', 'admin-key'],
      ]);
    });
  });

  it('says in OpenAPI what the client key of a new project is for', async () => {
    const document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    const purpose = 'reserved for client-side use (browsers, apps); no HTTP endpoint accepts it today';
    expect(document.components.schemas.CreatedProjectDto.properties.clientApiKey.description).toContain(purpose);
    expect(document.paths['/api/admin/projects'].post.responses['201'].description).toContain(purpose);
  });

  it('documents every admin route in OpenAPI with the admin-key scheme or the console session', async () => {
    const document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    expect(document.components.securitySchemes['admin-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes['console-session']).toMatchObject({ type: 'apiKey', in: 'cookie' });
    const routes = Object.entries(document.paths as Record<string, Record<string, { security?: unknown }>>)
      .filter(([path]) => path.startsWith('/api/admin'))
      .flatMap(([path, operations]) =>
        Object.entries(operations).map(([method, operation]) => ({
          route: `${method.toUpperCase()} ${path}`,
          security: operation.security,
        })),
      );
    expect(routes.map((r) => r.route).sort()).toEqual(
      [
        'DELETE /api/admin/projects/{id}/keys/{keyId}',
        'DELETE /api/admin/session',
        'GET /api/admin/audit',
        'GET /api/admin/projects',
        'GET /api/admin/projects/{id}',
        'GET /api/admin/projects/{id}/keys',
        'PATCH /api/admin/projects/{id}',
        'POST /api/admin/projects',
        'POST /api/admin/projects/{id}/debug-feed',
        'POST /api/admin/projects/{id}/disable',
        'POST /api/admin/projects/{id}/disconnect',
        'POST /api/admin/projects/{id}/enable',
        'POST /api/admin/projects/{id}/keys',
        'GET /api/admin/session',
        'POST /api/admin/session',
      ].sort(),
    );
    // Sign-in is the one route that takes the key in its body (or as Bearer) and sets the session.
    for (const { route, security } of routes)
      expect(security).toEqual(route === 'POST /api/admin/session' ? undefined : [{ 'admin-key': [] }, { 'console-session': [] }]);
  });
});
