import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Centrifuge } from 'centrifuge';
import request from 'supertest';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { AdminKeysService } from '../src/domain/admin-keys/admin-keys.service';
import { debugChannel } from '../src/domain/channels/control-channel';
import type { DebugBatch } from '../src/domain/live/debug-events';
import { freePort } from '../src/platform/ports';
import { createProject, createTestApp, serverApiCall, TEST_SECRET } from './support/app';
import { describeWithEngine, ENGINE_API_KEY, startTestEngine, type TestEngine } from './support/engine';
import { signHs256 } from './support/jwt';
import { ClientPool, nextEvent, wsUrl } from './support/realtime-client';

type Event = DebugBatch['events'][number];

/**
 * A project's debug feed (the console's Debug page) on a real engine with two app instances: what either
 * instance does for a watched project reaches a console connected to the other; nothing is published for a
 * project nobody watches; no token, key or payload is ever in it.
 */
describeWithEngine('the debug feed of a project', () => {
  let engine: TestEngine;
  let appA: NestExpressApplication;
  let appB: NestExpressApplication;
  let adminKey: string;
  const clients = new ClientPool();

  beforeAll(async () => {
    const port = await freePort();
    engine = await startTestEngine(port);
    const env = { CENTRIFUGO_UPSTREAM_URL: engine.url, CENTRIFUGO_API_KEY: ENGINE_API_KEY };
    appA = await createTestApp({ env });
    await appA.listen(port, '127.0.0.1');
    appB = await createTestApp({ env });
    await appB.listen(0, '127.0.0.1');
    adminKey = (await appA.get(AdminKeysService).create(CLI_ACTOR, 'Debug feed')).key;
  }, 30_000);
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    await appA?.close();
    await appB?.close();
    await engine?.stop();
  });

  async function connect(token: string): Promise<Centrifuge> {
    const client = clients.create(wsUrl(appA.getHttpServer()), { token });
    const connected = nextEvent(client, 'connected');
    client.connect();
    await connected;
    return client;
  }

  /** Every debug event the client receives from now on, in order. */
  function collect(client: Centrifuge): Event[] {
    const events: Event[] = [];
    client.on('publication', (ctx) => events.push(...(ctx.data as DebugBatch).events));
    return events;
  }

  async function until<T>(check: () => T | undefined, what: string, timeoutMs = 8000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('publishes nothing for a project nobody watches, even to a connection on its debug channel', async () => {
    const project = await createProject(appA, 'Unwatched feed', null);
    // A connection of the debug channel alone, made with the deployment's secret: it is not a watcher.
    const now = Math.floor(Date.now() / 1000);
    const spy = await connect(signHs256({ sub: 'spy', iat: now, exp: now + 60, channels: [debugChannel(project.projectId)] }, TEST_SECRET));
    const seen = collect(spy);
    for (const app of [appA, appB]) {
      await serverApiCall(app, project.serverApiKey, 'token', { userId: 'u1' }).expect(200);
      await serverApiCall(app, project.serverApiKey, 'publish', { channel: `public:${project.slug}.x`, data: {} }).expect(200);
      await serverApiCall(app, project.serverApiKey, 'publish', { channel: 'public:elsewhere.x', data: {} }).expect(403);
    }
    // Longer than a poll and a flush together: had anything been sent, it would be here.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(seen).toEqual([]);
  });

  it("streams what every instance did for the watched project to its console, and nothing of another project's", async () => {
    const project = await createProject(appA, 'Watched feed', null);
    const other = await createProject(appA, 'Other feed', null);
    const answer = await request(appA.getHttpServer())
      .post(`/api/admin/projects/${project.projectId}/debug-feed`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    expect(answer.body).toMatchObject({ channel: debugChannel(project.projectId), websocketPath: '/realtime/connection/websocket' });
    const watcher = await connect(answer.body.token);
    const events = collect(watcher);
    const room = `public:${project.slug}.room`;

    // Instance B learns from the engine that the project is watched (within a poll); until then it sends nothing.
    await until(() => {
      // (supertest sends a request only once it is awaited or then-ed)
      void serverApiCall(appB, project.serverApiKey, 'token', { userId: 'probe' }).then(() => undefined);
      return events.find((event) => event.type === 'connection-token' && event.user === 'probe');
    }, 'the first event from instance B');

    const minted = await serverApiCall(appB, project.serverApiKey, 'token', { userId: 'alice', channels: [room] }).expect(200);
    await serverApiCall(appB, project.serverApiKey, 'subscription-token', { userId: 'alice', channel: `${room}.2` }).expect(200);
    await serverApiCall(appB, project.serverApiKey, 'publish', { channel: room, data: { secret: 'payload-marker' } }).expect(200);
    await serverApiCall(appB, project.serverApiKey, 'publish', { channel: 'public:elsewhere.x', data: {} }).expect(403);
    await serverApiCall(appB, other.serverApiKey, 'token', { userId: 'not-this-project' }).expect(200);
    // The end-user's own client, through instance A: one subscription allowed, one refused by the policy.
    const alice = await connect((await serverApiCall(appA, project.serverApiKey, 'token', { userId: 'alice' }).expect(200)).body.token);
    alice.newSubscription(`${room}.3`).subscribe();
    const refused = alice.newSubscription('public:elsewhere.y');
    const unsubscribed = nextEvent(refused, 'unsubscribed');
    refused.subscribe();
    await unsubscribed;

    await until(() => events.find((event) => event.type === 'subscription' && !event.allowed), 'the refused subscription');
    const mine = events.filter((event) => !(event.type === 'connection-token' && event.user === 'probe'));
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'connection-token', user: 'alice', channels: [room] }),
        expect.objectContaining({ type: 'subscription-token', user: 'alice', channel: `${room}.2` }),
        expect.objectContaining({ type: 'publish', channel: room, bytes: expect.any(Number) }),
        expect.objectContaining({
          type: 'refused-request',
          method: 'POST',
          path: '/api/realtime/publish',
          status: 403,
          message: expect.stringContaining('public:elsewhere.x'),
        }),
        expect.objectContaining({ type: 'subscription', user: 'alice', channel: `${room}.3`, allowed: true }),
        expect.objectContaining({
          type: 'subscription',
          user: 'alice',
          channel: 'public:elsewhere.y',
          allowed: false,
          reason: expect.stringContaining(`outside the channels of project "${project.slug}"`),
        }),
      ]),
    );
    for (const event of events) expect(Date.parse(event.at)).not.toBeNaN();
    const everything = JSON.stringify(events);
    expect(everything).not.toContain('not-this-project');
    for (const secret of [minted.body.token, project.serverApiKey, 'payload-marker', answer.body.token])
      expect(everything).not.toContain(secret);
  }, 30_000);

  it('refuses the debug feed of an unknown project, and without an admin key', async () => {
    const admin = request(appA.getHttpServer());
    await admin
      .post('/api/admin/projects/00000000-0000-4000-8000-00000000dead/debug-feed')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(404);
    const project = await createProject(appA, 'Feed without admin', null);
    await admin
      .post(`/api/admin/projects/${project.projectId}/debug-feed`)
      .set('Authorization', `apikey ${project.serverApiKey}`)
      .expect(401);
  });
});
