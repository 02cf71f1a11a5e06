import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ProjectsService } from '../src/domain/projects/projects.service';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { createProject, createTestApp, TEST_PROXY_SECRET } from './support/app';
import { generateApiKey } from '../src/domain/projects/api-key';
import { ProjectChanges } from '../src/domain/projects/project-changes';
import { ProjectsRepository } from '../src/domain/projects/projects.repository';

/** Failed authentications per client address: what is counted, what a block stops, and what it never stops. */

const mint = (app: NestExpressApplication, key: string, headers: Record<string, string> = {}) =>
  request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${key}`).set(headers).send({ userId: 'u' });

describe('failed authentication per client address', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3', TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => app.close());

  const from = (address: string) => ({ 'X-Forwarded-For': address });

  it('answers 429 after too many failures from one address, before looking at the key, and not to other addresses', async () => {
    const { serverApiKey } = await createProject(app, 'Guessed at');
    for (let i = 0; i < 3; i++) await mint(app, `xs_sk_guess${i}`, from('203.0.113.7')).expect(401);
    const blocked = await mint(app, 'xs_sk_guess4', from('203.0.113.7')).expect(429);
    expect(blocked.body.error).toMatch(/^Too many failed authentications from this address; retry in \d+ s\.$/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Even a valid key from that address waits, when this instance has not accepted it before; other
    // addresses are not affected.
    await mint(app, serverApiKey, from('203.0.113.7')).expect(429);
    await mint(app, serverApiKey, from('198.51.100.9')).expect(200);
  });

  it('counts each attempt before its lookup: 50 concurrent wrong keys from one address cost at most 3 lookups', async () => {
    const lookups = jest.spyOn(app.get(ProjectsRepository), 'getKeyByHash');
    try {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async () => (await mint(app, generateApiKey('server').key, from('203.0.113.20'))).status),
      );
      expect(statuses.filter((status) => status === 401)).toHaveLength(3);
      expect(statuses.filter((status) => status === 429)).toHaveLength(47);
      expect(lookups.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      lookups.mockRestore();
    }
  });

  it("takes a backend's first burst with its valid key for one attempt: 64 concurrent first requests all pass", async () => {
    const { serverApiKey } = await createProject(app, 'Bursting backend');
    // The real lookup, made slow enough that every request of the burst arrives while it is under way.
    const repository = app.get(ProjectsRepository);
    const lookUp = repository.getKeyByHash.bind(repository);
    const lookups = jest
      .spyOn(repository, 'getKeyByHash')
      .mockImplementation(async (hash) => (await new Promise((resolve) => setTimeout(resolve, 300)), lookUp(hash)));
    try {
      const statuses = await Promise.all(
        Array.from({ length: 64 }, async () => (await mint(app, serverApiKey, from('203.0.113.44'))).status),
      );
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(lookups.mock.calls.length).toBe(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it('still accepts from a blocked address a valid key this instance accepted before (a shared egress), but no key it does not know', async () => {
    const { projectId, serverApiKey } = await createProject(app, 'Behind a shared egress');
    const { serverApiKey: neverUsed } = await createProject(app, 'Not yet used');
    await mint(app, serverApiKey, from('203.0.113.30')).expect(200);
    // Every cache is emptied by a change; what the instance knows to be valid outlives that.
    await app.get(ProjectChanges).announce();
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Wrong keys until the address is blocked (the key's own first use counted as one attempt, before its lookup).
    const guesses: number[] = [];
    while (guesses.at(-1) !== 429 && guesses.length < 5)
      guesses.push((await mint(app, `xs_sk_guess${guesses.length}`, from('203.0.113.30'))).status);
    expect(guesses.at(-1)).toBe(429);
    await mint(app, serverApiKey, from('203.0.113.30')).expect(200);
    await mint(app, generateApiKey('server').key, from('203.0.113.30')).expect(429);
    await mint(app, neverUsed, from('203.0.113.30')).expect(429);

    // Once revoked, the key is no way past the block either.
    const [key] = (await app.get(ProjectsService).listKeys(projectId)).filter(({ kind }) => kind === 'server');
    await app.get(ProjectsService).revokeKey(CLI_ACTOR, key.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await mint(app, serverApiKey, from('203.0.113.30')).expect(429);
  });

  it("counts a wrong engine proxy secret as a failure, but answers the engine's right secret from a blocked address", async () => {
    const ask = (secret: string) =>
      request(app.getHttpServer())
        .post('/internal/centrifugo/subscribe')
        .set(from('203.0.113.40'))
        .set('X-Xshathra-Proxy-Secret', secret)
        .send({ channel: 'public:x', meta: { projectId: '00000000-0000-4000-8000-000000000000' } });
    for (let i = 0; i < 3; i++) await ask('wrong').expect(401);
    await ask('wrong').expect(429);
    await mint(app, generateApiKey('server').key, from('203.0.113.40')).expect(429);
    await ask(TEST_PROXY_SECRET).expect(200, {
      error: {
        code: 103,
        message:
          'Subscription to "public:x" refused: the server key that minted the connection token is revoked or unknown, or its project is disabled; connect with a token from an active server key.',
      },
    });
  });
});

describe("the engine's subscribe hook, when the engine's address is blocked", () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    // No TRUST_PROXY: the address is the socket's, 127.0.0.1, as for an engine on the same host.
    app = await createTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3' } });
  });
  afterAll(() => app.close());

  it('still answers the engine (its right secret), so that client-side subscriptions keep working', async () => {
    const { projectId, slug } = await createProject(app, 'Subscribed through the hook', null);
    for (let i = 0; i < 3; i++) await mint(app, `xs_sk_guess${i}`).expect(401);
    await mint(app, 'xs_sk_guess4').expect(429);
    await request(app.getHttpServer())
      .post('/internal/centrifugo/subscribe')
      .set('X-Xshathra-Proxy-Secret', TEST_PROXY_SECRET)
      .send({ channel: `public:${slug}.lobby`, meta: { projectId } })
      .expect(200, { result: {} });
  });
});
