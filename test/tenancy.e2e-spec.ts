import { createHmac, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Logger } from '@nestjs/common';
import { ProjectsService } from '../src/domain/projects/projects.service';
import { SubscribeProxyService } from '../src/api/engine-hooks/subscribe-proxy.service';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { createProject, createTestApp, TEST_PROXY_SECRET, TEST_SECRET } from './support/app';
import { describeWithEngine, ENGINE_API_KEY, startEngineAndApp, TestEngine } from './support/engine';
import { ClientPool, nextEvent, wsUrl } from './support/realtime-client';

/**
 * Two projects on one real engine, as an attacker holding project A's key would try it: every channel of
 * project B is refused on every endpoint and by the engine itself (client-side subscriptions go through the
 * subscribe proxy), while A's own channels work.
 */
describeWithEngine('projects as tenants on one engine', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let url: string;
  const clients = new ClientPool();
  let a: { projectId: string; slug: string; auth: string };
  let b: { projectId: string; slug: string; auth: string };

  beforeAll(async () => {
    ({ engine, app } = await startEngineAndApp('Tenancy host'));
    url = wsUrl(app.getHttpServer());
    const project = async (name: string) => {
      const { projectId, slug, serverApiKey } = await createProject(app, name, null); // the default policy
      return { projectId, slug, auth: `apikey ${serverApiKey}` };
    };
    a = await project('Acme');
    b = await project('Bravo');
  });
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  const http = () => request(app.getHttpServer());
  const post = (path: string, auth: string, body: object | string) =>
    http().post(path).set('Authorization', auth).set('Content-Type', 'application/json').send(body);
  const connectionToken = async (auth: string, body: object) =>
    (await post('/api/realtime/token', auth, body).expect(200)).body.token as string;
  const subscriptionToken = async (auth: string, body: object) =>
    (await post('/api/realtime/subscription-token', auth, body).expect(200)).body.token as string;
  const unique = () => randomUUID().slice(0, 8);
  const forbidden = (channel: string, slug: string) => ({
    statusCode: 403,
    error: `Channel "${channel}" is not allowed for project "${slug}".`,
  });
  const engineHistory = async (channel: string) => {
    const response = await fetch(`${engine.url}/api/history`, {
      method: 'POST',
      headers: { 'X-API-Key': ENGINE_API_KEY },
      body: JSON.stringify({ channel, limit: 10 }),
    });
    return ((await response.json()) as { result: { publications?: unknown[] } }).result.publications ?? [];
  };

  it('gives a new project its own prefix in every namespace', () => {
    expect(a.slug).toMatch(/^acme(-\d+)?$/);
    expect(b.slug).toMatch(/^bravo(-\d+)?$/);
  });

  describe("A's key naming B's channels", () => {
    it("gets 403 for a connection token with any of B's channels among its own", async () => {
      const foreign = `private:${b.slug}.payroll`;
      const response = await post('/api/realtime/token', a.auth, {
        userId: 'mallory',
        channels: [`public:${a.slug}.lobby`, foreign],
      }).expect(403);
      expect(response.body).toEqual(forbidden(foreign, a.slug));
    });

    it("gets 403 for a subscription token to B's channel", async () => {
      const foreign = `private:${b.slug}.payroll`;
      const response = await post('/api/realtime/subscription-token', a.auth, { userId: 'bob', channel: foreign }).expect(403);
      expect(response.body).toEqual(forbidden(foreign, a.slug));
    });

    it("gets 403 for a publish to B's channel, and nothing reaches the engine", async () => {
      const foreign = `private:${b.slug}.payroll-${unique()}`;
      const response = await post('/api/realtime/publish', a.auth, { channel: foreign, data: { steal: true } }).expect(403);
      expect(response.body).toEqual(forbidden(foreign, a.slug));
      expect(await engineHistory(foreign)).toEqual([]);
    });

    it.each([
      ['no namespace', 'lobby'],
      ["another project's prefix inside a name", `public:x.${'acme'}.lobby`],
      ['the bare slug without its dot', 'public:acme'],
      ['a case variant of the slug', 'public:ACME.lobby'],
    ])('gets 403 for a channel with %s', async (_case, channel) => {
      await post('/api/realtime/publish', a.auth, { channel, data: {} }).expect(403);
    });
  });

  it('refuses a publish that names the channel twice or in another case with 400, and nothing reaches the engine', async () => {
    const own = `public:${a.slug}.one-${unique()}`;
    const foreign = `private:${b.slug}.payroll-${unique()}`;
    for (const raw of [
      `{"channel":"${own}","data":{"x":1},"CHANNEL":"${foreign}"}`,
      `{"channel":"${own}","data":{"x":1},"Channel":"${foreign}"}`,
      `{"channel":"${own}","channel":"${foreign}","data":{"x":1}}`,
      `{"channel":"${foreign}","channel":"${own}","data":{"x":1}}`,
    ]) {
      const response = await post('/api/realtime/publish', a.auth, raw).expect(400);
      expect(response.body.details).toEqual([
        expect.stringMatching(/is a case variant of the field "channel"|"channel" appears more than once/),
      ]);
    }
    expect(await engineHistory(own)).toEqual([]);
    expect(await engineHistory(foreign)).toEqual([]);
  });

  it('refuses a body in any charset but UTF-8 with 415, and invalid UTF-8 with 400, so that no decoder reads another channel', async () => {
    const foreign = `public:${b.slug}.lobby-${unique()}`;
    // In UTF-7, "+ACIALAAi…-" decodes to `","channel":"public:<a>.x` : a second channel the engine never sees.
    const hidden = Buffer.from(`","channel":"public:${a.slug}.x`, 'utf16le').swap16().toString('base64').replace(/=+$/, '');
    for (const path of ['publish', 'broadcast']) {
      const field = path === 'publish' ? `"channel":"${foreign}"` : `"channels":["${foreign}"]`;
      const response = await http()
        .post(`/api/realtime/${path}`)
        .set('Authorization', a.auth)
        .set('Content-Type', 'application/json; charset=utf-7')
        .send(`{${field},"data":{"x":1},"idempotency_key":"+${hidden}-"}`)
        .expect(415);
      expect(response.body.error).toBe('Send the request body as JSON encoded in UTF-8 (charset=utf-8, or no charset).');
    }
    const invalid = Buffer.concat([Buffer.from(`{"channel":"public:${a.slug}.`), Buffer.from([0xe2, 0x82]), Buffer.from('","data":1}')]);
    // Sent as raw bytes (supertest would serialize a Buffer as JSON).
    const { port } = app.getHttpServer().address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/api/realtime/publish`, {
      method: 'POST',
      headers: { Authorization: a.auth, 'Content-Type': 'application/json' },
      body: invalid,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, error: 'The request body is not valid UTF-8.' });
    expect(await engineHistory(foreign)).toEqual([]);
  });

  it('lets A use its own channels: tokens, server-side and client-side subscriptions, publish', async () => {
    const lobby = `public:${a.slug}.lobby-${unique()}`;
    const room = `private:${a.slug}.room-${unique()}`;
    const client = clients.create(url, { token: await connectionToken(a.auth, { userId: 'alice', channels: [lobby] }) });
    const onLobby = nextEvent(client, 'publication', 5000, (ctx: { channel: string; data: unknown }) => ctx.channel === lobby);
    const subscription = client.newSubscription(room, { getToken: () => subscriptionToken(a.auth, { userId: 'alice', channel: room }) });
    const subscribed = nextEvent(subscription, 'subscribed');
    subscription.subscribe();
    client.connect();
    await subscribed;

    const onRoom = nextEvent(subscription, 'publication');
    await post('/api/realtime/publish', a.auth, { channel: lobby, data: { n: 1 } }).expect(200);
    await post('/api/realtime/publish', a.auth, { channel: room, data: { n: 2 } }).expect(200);
    expect((await onLobby).data).toEqual({ n: 1 });
    expect((await onRoom).data).toEqual({ n: 2 });
  });

  it("has the engine refuse A's connection a client-side subscription to B's public channel (103), and allow B's own", async () => {
    const news = `public:${b.slug}.news-${unique()}`;
    const logged = jest.spyOn(app.get<SubscribeProxyService, { logger: Logger }>(SubscribeProxyService).logger, 'log');
    const intruder = clients.create(url, { token: await connectionToken(a.auth, { userId: 'mallory' }) });
    const refused = intruder.newSubscription(news);
    const unsubscribed = nextEvent(refused, 'unsubscribed');
    refused.subscribe();
    intruder.connect();
    // The client is told why (the engine hands the proxy's message on), naming only A's own project and patterns.
    expect(await unsubscribed).toMatchObject({
      code: 103,
      reason: `Subscription to "${news}" refused: the channel is outside the channels of project "${a.slug}" (*:${a.slug}.*).`,
    });
    // The operator reads one info line with the project, the channel and the reason.
    expect(logged.mock.calls).toEqual([
      [
        `Subscription refused: project ${a.slug}, channel "${news}": the channel is outside the channels of project "${a.slug}" (*:${a.slug}.*)`,
      ],
    ]);
    logged.mockRestore();

    const member = clients.create(url, { token: await connectionToken(b.auth, { userId: 'bella' }) });
    const allowed = member.newSubscription(news);
    const subscribed = nextEvent(allowed, 'subscribed');
    allowed.subscribe();
    member.connect();
    await subscribed;
    const received = nextEvent(allowed, 'publication');
    await post('/api/realtime/publish', b.auth, { channel: news, data: { from: 'bravo' } }).expect(200);
    expect((await received).data).toEqual({ from: 'bravo' });
  });

  it("delivers nothing from A's attempts to B's subscribers", async () => {
    const news = `public:${b.slug}.news-${unique()}`;
    const payroll = `private:${b.slug}.payroll-${unique()}`;
    const member = clients.create(url, { token: await connectionToken(b.auth, { userId: 'bella', channels: [news] }) });
    const seen: unknown[] = [];
    member.on('publication', (ctx) => seen.push(ctx.data));
    const onPayroll = member.newSubscription(payroll, { getToken: () => subscriptionToken(b.auth, { userId: 'bella', channel: payroll }) });
    onPayroll.on('publication', (ctx) => seen.push(ctx.data));
    const subscribed = nextEvent(onPayroll, 'subscribed');
    onPayroll.subscribe();
    member.connect();
    await subscribed;

    for (const channel of [news, payroll]) {
      await post('/api/realtime/publish', a.auth, { channel, data: { from: 'acme' } }).expect(403);
      await post('/api/realtime/publish', a.auth, `{"channel":"public:${a.slug}.x","data":{"from":"acme"},"CHANNEL":"${channel}"}`).expect(
        400,
      );
    }
    const marker = nextEvent(onPayroll, 'publication');
    await post('/api/realtime/publish', b.auth, { channel: payroll, data: { from: 'bravo' } }).expect(200);
    await marker;
    expect(seen).toEqual([{ from: 'bravo' }]);
  });

  it('refuses client-side subscriptions for a connection token without a project (a token from before tenancy)', async () => {
    const { createHmac } = await import('node:crypto');
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 'old', exp: Math.floor(Date.now() / 1000) + 300 })}`;
    const legacy = `${unsigned}.${createHmac('sha256', TEST_SECRET).update(unsigned).digest('base64url')}`;
    const client = clients.create(url, { token: legacy });
    const subscription = client.newSubscription(`public:${a.slug}.lobby`);
    const unsubscribed = nextEvent(subscription, 'unsubscribed');
    subscription.subscribe();
    client.connect();
    expect(await unsubscribed).toMatchObject({ code: 103 });
  });

  /** Subscribes client-side with only a connection token; resolves 'subscribed' or the unsubscribe code. */
  const subscribeWith = (token: string, channel: string) => {
    const client = clients.create(url, { token });
    const subscription = client.newSubscription(channel);
    const outcome = new Promise<'subscribed' | number>((resolve) => {
      subscription.once('subscribed', () => resolve('subscribed'));
      subscription.once('unsubscribed', (ctx) => resolve(ctx.code));
    });
    subscription.subscribe();
    client.connect();
    return { subscription, outcome };
  };
  const legacyToken = (meta: object) => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 'old', exp: Math.floor(Date.now() / 1000) + 300, meta })}`;
    return `${unsigned}.${createHmac('sha256', TEST_SECRET).update(unsigned).digest('base64url')}`;
  };

  describe('a revoked server key', () => {
    it("has the engine refuse its tokens' client-side subscriptions (103) at once, while another live key of the same project still subscribes", async () => {
      const projects = app.get(ProjectsService);
      const { projectId, slug, serverApiKey } = await createProject(app, 'Rotating', null);
      const { key: liveKey } = await projects.createKey(CLI_ACTOR, projectId, 'server');
      const revokedKey = (await projects.listKeys(projectId)).find((key) => key.kind === 'server' && serverApiKey.startsWith(key.prefix))!;
      const channel = `public:${slug}.lobby-${unique()}`;
      const oldToken = await connectionToken(`apikey ${serverApiKey}`, { userId: 'old' });
      const liveToken = await connectionToken(`apikey ${liveKey}`, { userId: 'new' });
      // Before the revoke the token subscribes (and the proxy's cache holds its key as usable).
      const open = subscribeWith(oldToken, channel);
      expect(await open.outcome).toBe('subscribed');

      await projects.revokeKey(CLI_ACTOR, revokedKey.id);
      for (let i = 0; i < 100 && (await post('/api/realtime/token', `apikey ${serverApiKey}`, { userId: 'u' })).status !== 401; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10)); // the change is announced through PostgreSQL
      }
      expect(await subscribeWith(oldToken, channel).outcome).toBe(103);
      expect(await subscribeWith(liveToken, channel).outcome).toBe('subscribed');
      // What a revoke does not stop: a connection already open keeps what it subscribed to, until it ends.
      expect(open.subscription.state).toBe('subscribed');
    });

    it('lets a token from before key ids (project only in meta) subscribe while its project is enabled: it expires within 3600 s', async () => {
      expect(await subscribeWith(legacyToken({ projectId: a.projectId }), `public:${a.slug}.lobby`).outcome).toBe('subscribed');
    });
  });

  describe('the subscribe proxy endpoint', () => {
    const ask = (body: object, secret?: string) => {
      const call = http().post('/internal/centrifugo/subscribe').set('Content-Type', 'application/json');
      return (secret === undefined ? call : call.set('X-Xshathra-Proxy-Secret', secret)).send(body);
    };
    const engineRequest = (channel: string, projectId: string) => ({
      client: randomUUID(),
      transport: 'websocket',
      protocol: 'json',
      encoding: 'json',
      user: 'u',
      channel,
      meta: { projectId },
    });

    it('answers the engine with its decision', async () => {
      await ask(engineRequest(`public:${a.slug}.x`, a.projectId), TEST_PROXY_SECRET).expect(200, { result: {} });
      await ask(engineRequest(`public:${b.slug}.x`, a.projectId), TEST_PROXY_SECRET).expect(200, {
        error: {
          code: 103,
          message: `Subscription to "public:${b.slug}.x" refused: the channel is outside the channels of project "${a.slug}" (*:${a.slug}.*).`,
        },
      });
      await ask(engineRequest(`public:${a.slug}.x`, 'not-a-uuid'), TEST_PROXY_SECRET).expect(200, {
        error: {
          code: 103,
          message: `Subscription to "public:${a.slug}.x" refused: the server key that minted the connection token is revoked or unknown, or its project is disabled; connect with a token from an active server key.`,
        },
      });
      await ask({ channel: `public:${a.slug}.x` }, TEST_PROXY_SECRET).expect(200, {
        error: {
          code: 103,
          message: `Subscription to "public:${a.slug}.x" refused: the connection token was not minted by this service for a project.`,
        },
      });
    });

    it("refuses a revoked key's connections, and a key named for another project", async () => {
      const projects = app.get(ProjectsService);
      const { projectId, slug } = await createProject(app, 'Key checked', null);
      const [key] = (await projects.listKeys(projectId)).filter(({ kind }) => kind === 'server');
      const [otherKey] = (await projects.listKeys(b.projectId)).filter(({ kind }) => kind === 'server');
      const withKey = (keyId: string, owner = projectId) => ({
        ...engineRequest(`public:${slug}.x`, owner),
        meta: { projectId: owner, keyId },
      });
      await ask(withKey(key.id), TEST_PROXY_SECRET).expect(200, { result: {} });
      const refused = {
        error: {
          code: 103,
          message: `Subscription to "public:${slug}.x" refused: the server key that minted the connection token is revoked or unknown, or its project is disabled; connect with a token from an active server key.`,
        },
      };
      await ask(withKey(otherKey.id), TEST_PROXY_SECRET).expect(200, refused);
      await ask(withKey(randomUUID()), TEST_PROXY_SECRET).expect(200, refused);
      await ask(withKey('not-a-uuid'), TEST_PROXY_SECRET).expect(200, refused);
      await projects.revokeKey(CLI_ACTOR, key.id);
      for (let i = 0; i < 100 && !isDeepStrictEqual((await ask(withKey(key.id), TEST_PROXY_SECRET)).body, refused); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10)); // the change is announced through PostgreSQL
      }
      await ask(withKey(key.id), TEST_PROXY_SECRET).expect(200, refused);
    });

    it('refuses the channels of a disabled project', async () => {
      const { projectId, slug } = await createProject(app, 'Soon disabled', null);
      await app.get(ProjectsService).disableProject(CLI_ACTOR, projectId);
      await ask(engineRequest(`public:${slug}.x`, projectId), TEST_PROXY_SECRET).expect(200, {
        error: {
          code: 103,
          message: `Subscription to "public:${slug}.x" refused: the server key that minted the connection token is revoked or unknown, or its project is disabled; connect with a token from an active server key.`,
        },
      });
    });

    it('refuses a caller without the proxy secret, or with a wrong one (401)', async () => {
      const body = engineRequest(`public:${a.slug}.x`, a.projectId);
      expect((await ask(body).expect(401)).body).toEqual({ statusCode: 401, error: 'Missing or wrong engine proxy secret.' });
      await ask(body, `${TEST_PROXY_SECRET}x`).expect(401);
      await ask(body, '').expect(401);
      // A project's server key is no way in either.
      await http().post('/internal/centrifugo/subscribe').set('Authorization', a.auth).send(body).expect(401);
    });

    it.each([
      '/realtime/internal/centrifugo/subscribe',
      '/realtime/connection/../../internal/centrifugo/subscribe',
      '/realtime/connection/%2e%2e/%2e%2e/internal/centrifugo/subscribe',
    ])('is not reachable through %s (404)', async (path) => {
      await http()
        .post(path)
        .set('X-Xshathra-Proxy-Secret', TEST_PROXY_SECRET)
        .send(engineRequest(`public:${a.slug}.x`, a.projectId))
        .expect(404);
    });

    it('answers 503 when ENGINE_PROXY_SECRET is not configured, so that the engine refuses every proxied subscription', async () => {
      const unconfigured = await createTestApp({ env: { ENGINE_PROXY_SECRET: undefined } });
      try {
        const response = await request(unconfigured.getHttpServer())
          .post('/internal/centrifugo/subscribe')
          .set('X-Xshathra-Proxy-Secret', '')
          .send(engineRequest(`public:${a.slug}.x`, a.projectId))
          .expect(503);
        expect(response.body).toEqual({ statusCode: 503, error: 'The engine proxy is not configured: set ENGINE_PROXY_SECRET.' });
      } finally {
        await unconfigured.close();
      }
    });

    it('is not in the OpenAPI document', async () => {
      const document = (await http().get('/api/docs-json').expect(200)).body;
      expect(Object.keys(document.paths)).not.toContain('/internal/centrifugo/subscribe');
      expect(document.paths['/api/realtime/publish'].post.responses['403']).toBeDefined();
      expect(document.paths['/api/realtime/token'].post.responses['403']).toBeDefined();
      expect(document.paths['/api/realtime/subscription-token'].post.responses['403']).toBeDefined();
    });
  });
});
