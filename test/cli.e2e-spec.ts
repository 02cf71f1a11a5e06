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
    const created = await cliJson('projects', 'create', '--name', 'CLI Path');
    expect(Object.keys(created).sort()).toEqual(['channels', 'clientApiKey', 'id', 'name', 'serverApiKey', 'slug', 'unrestricted']);
    expect(created.channels).toEqual([`*:${created.slug}.*`]);
    expect(created).toMatchObject({ name: 'CLI Path', slug: expect.stringMatching(/^cli-path(-\d+)?$/) });
    expect(created.serverApiKey).toMatch(/^xs_sk_[A-Za-z0-9_-]{43}$/);
    expect(created.clientApiKey).toMatch(/^xs_pk_[A-Za-z0-9_-]{43}$/);

    await mint(created.serverApiKey).expect(200);

    const { keys } = await cliJson('keys', 'list', '--project', created.id);
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
    const added = await cliJson('keys', 'create', '--project', created.id, '--kind', 'server');
    expect(Object.keys(added).sort()).toEqual(['id', 'key', 'kind', 'projectId']);
    expect(added).toMatchObject({ projectId: created.id, kind: 'server' });
    await mint(created.serverApiKey).expect(200);
    await mint(added.key).expect(200);
  });

  it('disables a project so that its keys are refused, and lists it as disabled', async () => {
    const created = await cliJson('projects', 'create', '--name', 'Soon disabled');
    await cliJson('projects', 'disable', created.id);
    await mint(created.serverApiKey).expect(401);
    const { projects } = await cliJson('projects', 'list');
    expect(projects.find((p: { id: string }) => p.id === created.id).disabledAt).toEqual(expect.any(String));
  });

  it('creates a project with --channels, changes them with set-channels, and shows them in every listing', async () => {
    const created = await cliJson('projects', 'create', '--name', 'Patterns', '--channels', 'public:cli-shared.*, *:cli-patterns.*');
    expect(created.channels).toEqual(['public:cli-shared.*', '*:cli-patterns.*']);
    const mintFor = (channels: string[]) =>
      request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', `apikey ${created.serverApiKey}`)
        .send({ userId: 'u1', channels });
    await mintFor(['public:cli-shared.lobby']).expect(200);

    const updated = await cliJson('projects', 'set-channels', created.id, '--unrestricted');
    expect(updated).toMatchObject({ id: created.id, channels: ['*:*', '*'], unrestricted: true });
    const { projects } = await cliJson('projects', 'list');
    expect(projects.find((p: { id: string }) => p.id === created.id)).toMatchObject({ channels: ['*:*', '*'], unrestricted: true });
    await mintFor(['private:anything']).expect(200); // the app's key cache is off in this spec

    await cliJson('projects', 'set-channels', created.id, 'public:cli-only.*');
    await mintFor(['private:anything']).expect(403);
    const text = await runCli(['projects', 'list']);
    expect(text.stdout).toContain(`${created.id}  ${created.slug}  enabled  Patterns  channels public:cli-only.*`);
  });

  it('prints readable text without --json', async () => {
    const result = await runCli(['projects', 'create', '--name', 'Readable']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Created project "Readable" \(slug readable(-\d+)?, id [0-9a-f-]{36}\)\.\nServer API key \(shown once; keep it on your backend\): xs_sk_/,
    );
  });

  it.each([
    [['keys', 'list', '--project', 'not-a-uuid'], 1, 'A project id is a UUID, got "not-a-uuid".'],
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
      'No project with id 00000000-0000-4000-8000-000000000000.',
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
