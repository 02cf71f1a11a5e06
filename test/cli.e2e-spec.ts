import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { INVALID_KEY_MESSAGE } from '../src/http/auth/auth.guard';
import { createTestApp } from './support/app';
import { runCli } from './support/processes';

/** The operator CLI against the run's database, with the running app seeing its effects. */
describe('operator CLI', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    // No key cache, so that the app sees a revoke at once and the test need not wait out the bound.
    app = await createTestApp({ env: { API_KEY_CACHE_TTL_SECONDS: '0' } });
  });
  afterAll(() => app.close());

  const cliJson = async (...args: string[]) => {
    const result = await runCli([...args, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    return JSON.parse(result.stdout);
  };
  const mint = (key: string) =>
    request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${key}`).send({ userId: 'u1' });

  it('create → the server key works → revoke → 401', async () => {
    // The admin API's shape (POST /api/admin/projects): { project: ProjectView, serverApiKey, clientApiKey }.
    const created = await cliJson('projects', 'create', '--name', 'CLI Path');
    expect(Object.keys(created).sort()).toEqual(['clientApiKey', 'project', 'serverApiKey']);
    expect(Object.keys(created.project).sort()).toEqual(
      ['channels', 'createdAt', 'disabledAt', 'id', 'name', 'rateLimitPerMinute', 'slug', 'unrestricted'].sort(),
    );
    expect(created.project.channels).toEqual([`*:${created.project.slug}.*`]);
    expect(created.project).toMatchObject({
      name: 'CLI Path',
      slug: expect.stringMatching(/^cli-path(-\d+)?$/),
      unrestricted: false,
      disabledAt: null,
    });
    expect(created.serverApiKey).toMatch(/^xs_sk_[A-Za-z0-9_-]{43}$/);
    expect(created.clientApiKey).toMatch(/^xs_pk_[A-Za-z0-9_-]{43}$/);

    await mint(created.serverApiKey).expect(200);

    const { keys } = await cliJson('keys', 'list', '--project', created.project.id);
    const serverKey = keys.find((key: { kind: string }) => key.kind === 'server');
    expect(serverKey.prefix).toBe(created.serverApiKey.slice(0, 12));
    expect(JSON.stringify(keys)).not.toContain(created.serverApiKey);

    const revoked = await cliJson('keys', 'revoke', serverKey.id);
    expect(revoked).toMatchObject({ id: serverKey.id, revokedAt: expect.any(String) });
    const response = await mint(created.serverApiKey).expect(401);
    expect(response.body.error).toBe(INVALID_KEY_MESSAGE);
  });

  it('adds a second server key that works alongside the first', async () => {
    const created = await cliJson('projects', 'create', '--name', 'Rotation');
    // The admin API's shape (POST /api/admin/projects/:id/keys): { apiKey: KeyView, key }.
    const added = await cliJson('keys', 'create', '--project', created.project.id, '--kind', 'server');
    expect(Object.keys(added).sort()).toEqual(['apiKey', 'key']);
    expect(added.apiKey).toEqual({
      id: expect.any(String),
      projectId: created.project.id,
      kind: 'server',
      prefix: added.key.slice(0, 12),
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    await mint(created.serverApiKey).expect(200);
    await mint(added.key).expect(200);
  });

  it('disables a project so that its keys are refused, and lists it as disabled', async () => {
    const created = await cliJson('projects', 'create', '--name', 'Soon disabled');
    await cliJson('projects', 'disable', created.project.id);
    await mint(created.serverApiKey).expect(401);
    const { projects } = await cliJson('projects', 'list');
    expect(projects.find((p: { id: string }) => p.id === created.project.id).disabledAt).toEqual(expect.any(String));
  });

  it('creates a project with --channels, changes them with set-channels, and shows them in every listing', async () => {
    const { project: created, serverApiKey } = await cliJson(
      'projects',
      'create',
      '--name',
      'Patterns',
      '--channels',
      'public:cli-shared.*, *:cli-patterns.*',
    );
    expect(created.channels).toEqual(['public:cli-shared.*', '*:cli-patterns.*']);
    const mintFor = (channels: string[]) =>
      request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', `apikey ${serverApiKey}`)
        .send({ userId: 'u1', channels });
    await mintFor(['public:cli-shared.lobby']).expect(200);

    const updated = await cliJson('projects', 'set-channels', created.id, '--unrestricted');
    expect(updated).toMatchObject({ id: created.id, channels: ['*:*', '*'], unrestricted: true });
    const { projects } = await cliJson('projects', 'list');
    expect(projects.find((p: { id: string }) => p.id === created.id)).toMatchObject({ channels: ['*:*', '*'], unrestricted: true });
    await mintFor(['private:anything']).expect(200); // the app's key cache is off in this spec

    await cliJson('projects', 'set-channels', created.id, 'public:cli-only.*');
    await mintFor(['private:anything']).expect(403);
    const text = (await runCli(['projects', 'list'])).stdout.split('\n');
    expect(text[0]).toMatch(/^ID +SLUG +STATE +NAME +CHANNELS$/);
    expect(text).toContainEqual(
      expect.stringMatching(new RegExp(`^${created.id}  ${created.slug} +enabled +Patterns +public:cli-only\\.\\*$`)),
    );
  });

  it('takes a slug wherever it takes a project id', async () => {
    const { project, serverApiKey } = await cliJson('projects', 'create', '--name', 'By Slug');
    const { slug, id } = project;
    expect((await cliJson('projects', 'set-rate-limit', slug, '120')).rateLimitPerMinute).toBe(120);
    expect((await cliJson('projects', 'set-channels', slug, `public:${slug}.*`)).channels).toEqual([`public:${slug}.*`]);
    expect((await cliJson('keys', 'create', '--project', slug, '--kind', 'client')).apiKey.projectId).toBe(id);
    expect((await cliJson('keys', 'list', '--project', slug)).keys).toHaveLength(3);
    expect((await cliJson('projects', 'disable', slug)).disabledAt).toEqual(expect.any(String));
    await mint(serverApiKey).expect(401);
    expect((await cliJson('projects', 'enable', slug)).disabledAt).toBeNull();
    const { entries } = await cliJson('audit', 'list', '--project', slug);
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'project.enable',
      'project.disable',
      'key.create',
      'project.update',
      'project.update',
      'project.create',
    ]);
  });

  it('shows a project with its channels and keys, under column headers', async () => {
    const { project, serverApiKey } = await cliJson('projects', 'create', '--name', 'Shown');
    const shown = await cliJson('projects', 'show', project.slug);
    expect(shown).toEqual({
      project,
      keys: expect.arrayContaining([expect.objectContaining({ kind: 'server' }), expect.objectContaining({ kind: 'client' })]),
    });
    expect(shown.keys).toHaveLength(2);
    const serverKeyId = shown.keys.find((k: { kind: string }) => k.kind === 'server').id;
    expect(JSON.stringify(shown)).not.toContain(serverApiKey);

    const text = (await runCli(['projects', 'show', project.id])).stdout.split('\n');
    expect(text.slice(0, 7)).toEqual([
      `Project "Shown"`,
      `  id:          ${project.id}`,
      `  slug:        ${project.slug}`,
      '  state:       enabled',
      `  channels:    *:${project.slug}.*`,
      '  rate limit:  the deployment default (RATE_LIMIT_PER_MINUTE)',
      `  created:     ${project.createdAt}`,
    ]);
    expect(text[8]).toMatch(/^KEY ID +KIND +PREFIX +STATE +LAST USED$/);
    expect(text).toContainEqual(
      expect.stringMatching(new RegExp(`^${serverKeyId}  server  ${serverApiKey.slice(0, 12)}…  active +never$`)),
    );
    expect((await runCli(['keys', 'list', '--project', project.slug])).stdout.split('\n')[0]).toMatch(/^KEY ID +KIND +PREFIX/);

    const missing = await runCli(['projects', 'show', 'no-such-project']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('No project with the id or slug "no-such-project".\n');
  });

  it('rotates the server key: a new one works, the old one is revoked, audited as key.create + key.revoke', async () => {
    const { project, serverApiKey: old } = await cliJson('projects', 'create', '--name', 'Rotated');
    const { keys } = await cliJson('keys', 'list', '--project', project.id);
    const oldKey = keys.find((k: { kind: string }) => k.kind === 'server');
    const clientKey = keys.find((k: { kind: string }) => k.kind === 'client');

    const rotated = await cliJson('keys', 'rotate', '--project', project.slug);
    expect(Object.keys(rotated).sort()).toEqual(['apiKey', 'key', 'revoked']);
    expect(rotated.apiKey).toMatchObject({ projectId: project.id, kind: 'server', revokedAt: null });
    expect(rotated.revoked).toEqual([expect.objectContaining({ id: oldKey.id, revokedAt: expect.any(String) })]);
    await mint(rotated.key).expect(200);
    await mint(old).expect(401);
    // The client key is not a server key: it stays.
    const after = (await cliJson('keys', 'list', '--project', project.id)).keys;
    expect(after.find((k: { id: string }) => k.id === clientKey.id).revokedAt).toBeNull();

    const { entries } = await cliJson('audit', 'list', '--project', project.id);
    expect(entries.slice(0, 2).map((e: { action: string; keyId: string }) => [e.action, e.keyId])).toEqual([
      ['key.revoke', oldKey.id],
      ['key.create', rotated.apiKey.id],
    ]);

    const text = await runCli(['keys', 'rotate', '--project', project.id]);
    expect(text.stdout).toMatch(
      new RegExp(
        `^Created server key [0-9a-f-]{36} \\(xs_sk_.{6}…\\)\\.\\nServer API key \\(shown once; keep it on your backend\\): xs_sk_[A-Za-z0-9_-]{43}\\n` +
          `Revoked the previous server key\\(s\\): ${rotated.apiKey.id} \\(${rotated.apiKey.prefix}…\\)\\.\\n$`,
      ),
    );
  });

  it('lists the audit log under headers, with what each change changed (before → after)', async () => {
    const { project } = await cliJson('projects', 'create', '--name', 'Audit text');
    await cliJson('projects', 'set-rate-limit', project.slug, '77');
    const lines = (await runCli(['audit', 'list', '--project', project.slug])).stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AT +ACTOR +ACTION +PROJECT +KEY +CHANGES$/);
    expect(lines[1]).toMatch(new RegExp(`^\\S+Z  cli +project\\.update  ${project.id}  - +rateLimitPerMinute: null → 77$`));
    expect(lines[2]).toMatch(/ project\.create .* created$/);
  });

  it('prints readable text without --json', async () => {
    const result = await runCli(['projects', 'create', '--name', 'Readable']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Created project "Readable" \(slug readable(-\d+)?, id [0-9a-f-]{36}\)\.\nServer API key \(shown once; keep it on your backend\): xs_sk_/,
    );
    // The client key says what it is for.
    expect(result.stdout).toMatch(
      /\nClient API key \(shown once; reserved for client-side use \(browsers, apps\); no HTTP endpoint accepts it today, so nothing needs it yet\): xs_pk_[A-Za-z0-9_-]{43}\n/,
    );
    const slug = /slug (\S+),/.exec(result.stdout)![1];
    const client = await runCli(['keys', 'create', '--project', slug, '--kind', 'client']);
    expect(client.stdout).toMatch(
      /\nKey \(shown once; reserved for client-side use \(browsers, apps\); no HTTP endpoint accepts it today, so nothing needs it yet\): xs_pk_/,
    );
  });

  it.each([
    [['keys', 'list', '--project', 'no-such-slug'], 1, 'No project with the id or slug "no-such-slug".'],
    [['keys', 'revoke', '00000000-0000-4000-8000-000000000000'], 1, 'No API key with id 00000000-0000-4000-8000-000000000000.'],
    [
      ['keys', 'create', '--project', '00000000-0000-4000-8000-000000000000', '--kind', 'admin'],
      1,
      'A key kind must be one of: server, client.',
    ],
    [['projects', 'create'], 2, '--name is required'],
    [['projects', 'explode'], 2, 'Unknown command "projects explode"'],
    [
      ['projects', 'create', '--name', 'Bad', '--channels', ':x'],
      1,
      'Invalid channel pattern ":x": the namespace part (before the first ":") may hold only letters, digits, "-", "_" and "*".',
    ],
    [
      ['projects', 'create', '--name', 'Bad', '--channels', 'a:*,,b:*'],
      1,
      'Invalid channel pattern list "a:*,,b:*": separate non-empty patterns with commas.',
    ],
    [
      ['projects', 'set-channels', '00000000-0000-4000-8000-000000000000', 'public:*'],
      1,
      'No project with the id or slug "00000000-0000-4000-8000-000000000000".',
    ],
    [['projects', 'set-channels', '00000000-0000-4000-8000-000000000000'], 2, 'PATTERNS is required'],
  ])('refuses %j with exit code %i and a clear message', async (args, code, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(code);
    expect(result.stderr.split('\n')[0]).toBe(message);
    const json = await runCli([...args, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ error: message });
  });
});
