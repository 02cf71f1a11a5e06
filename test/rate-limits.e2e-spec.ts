import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ProjectsService } from '../src/domain/projects/projects.service';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { createProject, createTestApp } from './support/app';
import { freePort } from '../src/platform/ports';
import { describeWithRedis, TEST_REDIS_URL } from './support/redis';

/** Per-project request-rate limits, in memory and shared through Redis. */

const mint = (app: NestExpressApplication, key: string, headers: Record<string, string> = {}) =>
  request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${key}`).set(headers).send({ userId: 'u' });

describe('rate limits per project', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    // 180 per minute in 1 s windows: 3 requests per window, so that a test can wait a window out.
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '180', RATE_LIMIT_WINDOW_SECONDS: '1' } });
  });
  afterAll(() => app.close());

  it('answers 429 past the limit, with Retry-After and the IETF RateLimit fields, and recovers after the window', async () => {
    const { serverApiKey } = await createProject(app, 'Busy');
    const first = await mint(app, serverApiKey).expect(200);
    expect(first.headers['ratelimit-policy']).toBe('"project";q=3;w=1');
    expect(first.headers['ratelimit']).toMatch(/^"project";r=2;t=[01]$/);
    await mint(app, serverApiKey).expect(200);
    await mint(app, serverApiKey).expect(200);
    const refused = await mint(app, serverApiKey).expect(429);
    expect(refused.body).toEqual({
      statusCode: 429,
      error: expect.stringMatching(/^Rate limit exceeded: project "busy(-\d+)?" may make 3 requests per 1 s; retry in 1 s\.$/),
    });
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['ratelimit']).toMatch(/^"project";r=0;t=1$/);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await mint(app, serverApiKey).expect(200);
  });

  it('counts each project on its own: A at its limit does not slow B', async () => {
    const a = await createProject(app, 'Greedy');
    const b = await createProject(app, 'Modest');
    for (let i = 0; i < 3; i++) await mint(app, a.serverApiKey).expect(200);
    await mint(app, a.serverApiKey).expect(429);
    await mint(app, b.serverApiKey).expect(200);
  });

  it("applies a project's own limit (set with the CLI's service) instead of the default", async () => {
    const { projectId, serverApiKey } = await createProject(app, 'Premium');
    await app.get(ProjectsService).updateProject(CLI_ACTOR, projectId, { rateLimitPerMinute: 600 }); // 10 per 1 s window
    await new Promise((resolve) => setTimeout(resolve, 100)); // the change reaches the key cache
    for (let i = 0; i < 10; i++) await mint(app, serverApiKey).expect(200);
    await mint(app, serverApiKey).expect(429);
  });

  it('counts every key and route of a project together', async () => {
    const { projectId, serverApiKey } = await createProject(app, 'Two keys');
    const { key: second } = await app.get(ProjectsService).createKey(CLI_ACTOR, projectId, 'server');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await mint(app, serverApiKey).expect(200);
    await mint(app, second).expect(200);
    await request(app.getHttpServer())
      .post('/api/realtime/subscription-token')
      .set('Authorization', `apikey ${second}`)
      .send({ userId: 'u', channel: 'public:x' })
      .expect(200);
    await mint(app, serverApiKey).expect(429);
  });

  it('does not limit health probes', async () => {
    for (let i = 0; i < 10; i++) await request(app.getHttpServer()).get('/health/live').expect(200);
  });
});

describeWithRedis('rate limits shared through Redis (REDIS_URL)', () => {
  const env = { REDIS_URL: TEST_REDIS_URL!, RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_WINDOW_SECONDS: '5' }; // 5 per 5 s
  let first: NestExpressApplication;
  let second: NestExpressApplication;

  beforeAll(async () => {
    [first, second] = [await createTestApp({ env }), await createTestApp({ env })];
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it("holds a project's limit across instances", async () => {
    const { serverApiKey } = await createProject(first, 'Shared counters');
    for (const app of [first, second, first, second, first]) await mint(app, serverApiKey).expect(200);
    await mint(second, serverApiKey).expect(429);
    await mint(first, serverApiKey).expect(429);
  });

  it('keeps serving, counting per instance, when Redis does not answer', async () => {
    const app = await createTestApp({ env: { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
    try {
      const { serverApiKey } = await createProject(app, 'Redis away');
      for (let i = 0; i < 5; i++) await mint(app, serverApiKey).expect(200);
      await mint(app, serverApiKey).expect(429);
    } finally {
      await app.close();
    }
  });
});
