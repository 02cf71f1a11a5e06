import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ApiKeyAuthenticator } from '../src/domain/access/api-key.authenticator';
import { INVALID_KEY_MESSAGE } from '../src/http/auth/auth.guard';
import { generateApiKey } from '../src/domain/projects/api-key';
import { ProjectChanges } from '../src/domain/projects/project-changes';
import { ProjectsRepository } from '../src/domain/projects/projects.repository';
import { ProjectsService } from '../src/domain/projects/projects.service';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { createProject, createTestApp } from './support/app';
import { ManualClock } from './support/manual-clock';

describe('API-key guard on /api/realtime/*', () => {
  let app: NestExpressApplication;
  let clock: ManualClock;
  let projects: ProjectsService;

  beforeAll(async () => {
    clock = new ManualClock();
    // The default cache TTL (5 s) is the revocation bound the README states; the manual clock crosses it.
    app = await createTestApp({ clock, env: { API_KEY_CACHE_TTL_SECONDS: undefined } });
    projects = app.get(ProjectsService);
  });
  afterAll(() => app.close());

  const mint = (authorization?: string) => {
    const req = request(app.getHttpServer()).post('/api/realtime/token');
    if (authorization !== undefined) req.set('Authorization', authorization);
    return req.send({ userId: 'u1' });
  };

  it('accepts a server key with the apikey scheme', async () => {
    const { serverApiKey } = await createProject(app);
    await mint(`apikey ${serverApiKey}`).expect(200);
  });

  it('accepts a server key with the Bearer scheme, and schemes in any case', async () => {
    const { serverApiKey } = await createProject(app);
    await mint(`Bearer ${serverApiKey}`).expect(200);
    await mint(`bearer ${serverApiKey}`).expect(200);
    await mint(`APIKEY ${serverApiKey}`).expect(200);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['a scheme without a key', 'apikey'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['two keys', 'apikey a b'],
  ])('refuses %s with 401 in the error shape', async (_case, header) => {
    const response = await mint(header).expect(401);
    expect(response.body).toEqual({
      statusCode: 401,
      error: 'Missing or malformed Authorization header; send "Authorization: apikey <server key>".',
    });
  });

  /** Polls until the request gets `status` (a change reaches the cache through PostgreSQL, in milliseconds). */
  const eventually = async (send: () => request.Test, status: number) => {
    for (let i = 0; ; i++) {
      const response = await send();
      if (response.status === status || i === 50) return response;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('refuses an unknown key, a malformed one and a client key with one and the same 401', async () => {
    const { clientApiKey } = await createProject(app);
    const lookups = jest.spyOn(app.get(ProjectsRepository), 'getKeyByHash');
    try {
      for (const key of [generateApiKey('server').key, 'xs_sk_doesnotexist', clientApiKey, 'not-a-key-at-all']) {
        const response = await mint(`apikey ${key}`).expect(401);
        expect(response.body).toEqual({ statusCode: 401, error: INVALID_KEY_MESSAGE });
      }
      // Only the well-formed server key needed a lookup: the others cannot be server keys at all.
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it('remembers a refused key apart, without asking the database again', async () => {
    const unknown = generateApiKey('server').key;
    const lookups = jest.spyOn(app.get(ProjectsRepository), 'getKeyByHash');
    try {
      for (let i = 0; i < 5; i++) await mint(`apikey ${unknown}`).expect(401);
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it('accepts several active server keys of one project (rotation without downtime)', async () => {
    const { projectId, serverApiKey } = await createProject(app);
    const { key: second } = await projects.createKey(CLI_ACTOR, projectId, 'server');
    await mint(`apikey ${serverApiKey}`).expect(200);
    await mint(`apikey ${second}`).expect(200);
  });

  it('refuses a revoked key as soon as the change is announced, without waiting for the cache TTL', async () => {
    const { projectId, serverApiKey } = await createProject(app);
    await mint(`apikey ${serverApiKey}`).expect(200);
    const [serverKey] = (await projects.listKeys(projectId)).filter((key) => key.kind === 'server');
    await projects.revokeKey(CLI_ACTOR, serverKey.id);
    const response = await eventually(() => mint(`apikey ${serverApiKey}`), 401); // the clock does not move
    expect(response.body).toEqual({ statusCode: 401, error: INVALID_KEY_MESSAGE });
  });

  it('refuses every key of a disabled project as soon as the change is announced', async () => {
    const { projectId, serverApiKey } = await createProject(app);
    await mint(`apikey ${serverApiKey}`).expect(200);
    await projects.disableProject(CLI_ACTOR, projectId);
    await eventually(() => mint(`apikey ${serverApiKey}`), 401);
    await mint(`apikey ${serverApiKey}`).expect(401);
  });

  it('asks the database once for a burst of requests with one valid key', async () => {
    const { serverApiKey } = await createProject(app);
    const lookups = jest.spyOn(app.get(ProjectsRepository), 'getKeyByHash');
    try {
      await Promise.all(Array.from({ length: 5 }, () => mint(`apikey ${serverApiKey}`).expect(200)));
      for (let i = 0; i < 5; i++) await mint(`apikey ${serverApiKey}`).expect(200);
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it('asks the database once for a burst of requests with one unknown key', async () => {
    const unknown = generateApiKey('server').key;
    const repository = app.get(ProjectsRepository);
    const original = repository.getKeyByHash.bind(repository);
    // A slow database: every request of the burst arrives while the first lookup is still under way.
    const lookups = jest.spyOn(repository, 'getKeyByHash').mockImplementation(async (hash) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return original(hash);
    });
    try {
      await Promise.all(Array.from({ length: 20 }, () => mint(`apikey ${unknown}`).expect(401)));
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it('records last_used_at in a batched write, not on each request', async () => {
    const { projectId, serverApiKey } = await createProject(app);
    const writes = jest.spyOn(app.get(ProjectsRepository), 'touchKeys');
    try {
      for (let i = 0; i < 3; i++) await mint(`apikey ${serverApiKey}`).expect(200);
      expect(writes).not.toHaveBeenCalled();
      const [before] = (await projects.listKeys(projectId)).filter((key) => key.kind === 'server');
      expect(before.lastUsedAt).toBeNull();

      await app.get(ApiKeyAuthenticator).flushLastUsed();
      expect(writes).toHaveBeenCalledTimes(1);
      const [after] = (await projects.listKeys(projectId)).filter((key) => key.kind === 'server');
      expect(after.lastUsedAt).toBe(new Date(clock.now()).toISOString());
    } finally {
      writes.mockRestore();
    }
  });
});

describe('API-key cache while this instance hears no announcements', () => {
  it('still refuses a revoked key within the 5 s TTL', async () => {
    const clock = new ManualClock();
    const app = await createTestApp({ clock, env: { API_KEY_CACHE_TTL_SECONDS: undefined } });
    try {
      // As if its listening connection were down: it stops listening, and so hears no change at all.
      await app.get(ProjectChanges).onApplicationShutdown();
      const { projectId, serverApiKey } = await createProject(app);
      const mint = () =>
        request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${serverApiKey}`).send({ userId: 'u' });
      await mint().expect(200);
      const [key] = (await app.get(ProjectsService).listKeys(projectId)).filter((k) => k.kind === 'server');
      await app.get(ProjectsService).revokeKey(CLI_ACTOR, key.id);
      clock.advance(4_000);
      await mint().expect(200);
      clock.advance(1_001);
      await mint().expect(401);
    } finally {
      await app.close();
    }
  });
});

describe('API-key cache disabled (API_KEY_CACHE_TTL_SECONDS=0)', () => {
  it('refuses a revoked key on the very next request', async () => {
    const app = await createTestApp({ env: { API_KEY_CACHE_TTL_SECONDS: '0' } });
    try {
      const { projectId, serverApiKey } = await createProject(app);
      const server = () =>
        request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${serverApiKey}`).send({ userId: 'u' });
      await server().expect(200);
      const [key] = (await app.get(ProjectsService).listKeys(projectId)).filter((k) => k.kind === 'server');
      await app.get(ProjectsService).revokeKey(CLI_ACTOR, key.id);
      await server().expect(401);
    } finally {
      await app.close();
    }
  });
});
