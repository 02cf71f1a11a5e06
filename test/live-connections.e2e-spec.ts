import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Centrifuge } from 'centrifuge';
import request from 'supertest';
import WebSocket from 'ws';
import { ControlChannelProbe } from '../src/domain/live/control-channel-probe';
import { freePort } from '../src/platform/ports';
import { createProject, createTestApp, serverApiCall, TEST_PROXY_SECRET } from './support/app';
import { protobufUnsubscribe } from './support/centrifuge-protobuf';
import { describeWithEngine, ENGINE_API_KEY, startTestEngine, type TestEngine } from './support/engine';
import { runCli } from './support/processes';
import { ClientPool, nextEvent, wsUrl } from './support/realtime-client';

/**
 * A project's live connections, counted and cut through its control channel on a real engine, with the real
 * centrifuge client: the same user id in two projects is two users here, and only the caller's are touched.
 */
describeWithEngine('live connections of a project', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let adminKey: string;
  const clients = new ClientPool();

  beforeAll(async () => {
    const port = await freePort();
    engine = await startTestEngine(port);
    app = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: engine.url, CENTRIFUGO_API_KEY: ENGINE_API_KEY } });
    await app.listen(port, '127.0.0.1');
    expect(await app.get(ControlChannelProbe).check()).toBe('available');
    adminKey = JSON.parse((await runCli(['admin-keys', 'create', '--name', 'Live', '--json'])).stdout).key;
  }, 30_000);
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    await app.close();
    await engine.stop();
  });

  const http = () => request(app.getHttpServer());
  const server = (key: string, path: string, body: object = {}) => serverApiCall(app, key, path, body);
  const admin = (method: 'get' | 'post', path: string) => http()[method](`/api/admin${path}`).set('Authorization', `Bearer ${adminKey}`);

  /** A connected client of the key's project; `clientId` is the engine's id for it. */
  async function connect(key: string, userId: string, options: { channels?: string[] } = {}) {
    const token = (await server(key, 'token', { userId, ...options }).expect(200)).body.token as string;
    const client = clients.create(wsUrl(app.getHttpServer()), { token, minReconnectDelay: 50, maxReconnectDelay: 100 });
    const connected = nextEvent<{ client: string }>(client, 'connected');
    client.connect();
    return { client, clientId: (await connected).client };
  }

  /** The project's live connections, as the engine counts them (presence is immediate on one node). */
  async function expectCount(key: string, connections: number) {
    expect((await server(key, 'connections').expect(200)).body.connections).toBe(connections);
  }

  /**
   * The count reaches `connections` within a second: the engine learns that a socket the proxy cut is gone
   * when it reads the TCP close, a moment after the client got its close frame.
   */
  async function expectCountSoon(key: string, connections: number) {
    let counted: number | undefined;
    for (let i = 0; i < 20 && counted !== connections; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      counted = (await server(key, 'connections').expect(200)).body.connections;
    }
    expect(counted).toBe(connections);
  }

  /** The client is closed with this code, and still closed a while later (it does not come back). */
  async function expectClosedForGood(client: Centrifuge, code: number, reason: string) {
    expect(await nextEvent(client, 'disconnected', 1000)).toMatchObject({ code, reason });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.state).toBe('disconnected');
  }

  it("counts connections and users per project, and lists one user's connections of this project only", async () => {
    const a = await createProject(app, 'Live count A', null);
    const b = await createProject(app, 'Live count B', null);
    const a42 = [await connect(a.serverApiKey, '42', { channels: [`public:${a.slug}.x`] }), await connect(a.serverApiKey, '42')];
    await connect(a.serverApiKey, '7');
    await connect(b.serverApiKey, '42');

    expect((await server(a.serverApiKey, 'connections').expect(200)).body).toEqual({ connections: 3, users: 2 });
    expect((await server(b.serverApiKey, 'connections').expect(200)).body).toEqual({ connections: 1, users: 1 });
    const listed = (await server(a.serverApiKey, 'connections', { userId: '42' }).expect(200)).body;
    expect(listed.userId).toBe('42');
    expect(listed.connections.map((c: { clientId: string }) => c.clientId).sort()).toEqual(a42.map((c) => c.clientId).sort());
    expect((await server(a.serverApiKey, 'connections', { userId: 'nobody' }).expect(200)).body).toEqual({
      userId: 'nobody',
      connections: [],
    });

    // The admin API carries the same counts, for a page in one engine call.
    const page = (await admin('get', '/projects?pageSize=100').expect(200)).body.projects;
    expect(page.find((p: { id: string }) => p.id === a.projectId)).toMatchObject({ connections: 3, users: 2 });
    expect((await admin('get', `/projects/${b.projectId}`).expect(200)).body).toMatchObject({ connections: 1, users: 1 });
  });

  it("disconnects user 42 of project A only: B's user 42 stays connected and keeps receiving", async () => {
    const a = await createProject(app, 'Live cut A', null);
    const b = await createProject(app, 'Live cut B', null);
    const inA = await connect(a.serverApiKey, '42');
    const channel = `public:${b.slug}.news`;
    const inB = await connect(b.serverApiKey, '42', { channels: [channel] });

    expect((await server(a.serverApiKey, 'disconnect', { userId: '42' }).expect(200)).body).toEqual({ disconnected: 1 });
    await expectClosedForGood(inA.client, 4501, 'disconnected by the server');

    expect(inB.client.state).toBe('connected');
    const delivered = nextEvent<{ data: unknown }>(inB.client, 'publication');
    await server(b.serverApiKey, 'publish', { channel, data: { still: 'here' } }).expect(200);
    expect((await delivered).data).toEqual({ still: 'here' });
  });

  it('disconnects one connection by clientId, and with reconnect: true uses a code the client comes back from', async () => {
    const a = await createProject(app, 'Live one', null);
    const first = await connect(a.serverApiKey, 'u');
    const second = await connect(a.serverApiKey, 'u');
    // A reconnecting code: the client goes to "connecting" (not "disconnected"), then is connected again.
    const closed = nextEvent(first.client, 'connecting', 2000, (ctx: { code: number }) => ctx.code === 4001);
    const back = nextEvent(first.client, 'connected', 3000);
    expect(
      (await server(a.serverApiKey, 'disconnect', { userId: 'u', clientId: first.clientId, reconnect: true }).expect(200)).body,
    ).toEqual({
      disconnected: 1,
    });
    expect(await closed).toMatchObject({ code: 4001 });
    await back;
    expect(second.client.state).toBe('connected');
    // Another project's client id is not this project's: nothing is cut.
    const other = await createProject(app, 'Live one other', null);
    expect((await server(other.serverApiKey, 'disconnect', { userId: 'u', clientId: second.clientId }).expect(200)).body).toEqual({
      disconnected: 0,
    });
  });

  it('closes every client of a disabled project within a second, for good, and records how many in the audit log', async () => {
    const a = await createProject(app, 'Live disable A', null);
    const b = await createProject(app, 'Live disable B', null);
    const inA = [await connect(a.serverApiKey, 'x'), await connect(a.serverApiKey, 'y')];
    const inB = await connect(b.serverApiKey, 'x');

    const closed = inA.map(({ client }) => expectClosedForGood(client, 4502, 'project disabled'));
    await admin('post', `/projects/${a.projectId}/disable`).expect(200);
    await Promise.all(closed);
    expect(inB.client.state).toBe('connected');
    expect((await admin('get', `/projects/${a.projectId}`).expect(200)).body).toMatchObject({ connections: 0 });
    const [entry] = (await admin('get', `/audit?projectId=${a.projectId}`).expect(200)).body.entries;
    expect(entry).toMatchObject({ action: 'project.disable', after: { disconnectedConnections: 2 } });

    // Disconnecting without disabling: the keys keep working.
    const again = await connect(b.serverApiKey, 'z');
    const cut = expectClosedForGood(again.client, 4501, 'disconnected by the server');
    expect((await admin('post', `/projects/${b.projectId}/disconnect`).expect(200)).body).toEqual({ disconnected: 2 });
    await cut;
    await server(b.serverApiKey, 'token', { userId: 'z' }).expect(200);
  });

  describe('the reserved namespace', () => {
    it.each([
      ['a default project', null],
      ['an unrestricted project', undefined],
    ])('is refused on every path for %s', async (_what, channels) => {
      const project = await createProject(app, 'Reserved probe', channels);
      const control = `xshathra:project.${project.projectId}`;
      const refused = [
        await server(project.serverApiKey, 'token', { userId: 'u', channels: [control] }),
        await server(project.serverApiKey, 'subscription-token', { userId: 'u', channel: control }),
        await server(project.serverApiKey, 'publish', { channel: control, data: {} }),
        await server(project.serverApiKey, 'broadcast', { channels: [control], data: {} }),
        await server(project.serverApiKey, 'presence', { channel: control }),
        await server(project.serverApiKey, 'presence-stats', { channel: control }),
        await server(project.serverApiKey, 'history', { channel: control }),
      ];
      for (const answer of refused) {
        expect(answer.status).toBe(403);
        expect(answer.body.error).toBe(`Channel "${control}" is in the namespace "xshathra", which is reserved for the service.`);
      }
      // Its connections are on the control channel, yet it never lists it, nor subscribes to it client-side.
      const { client } = await connect(project.serverApiKey, 'u');
      const listed = (await server(project.serverApiKey, 'channels').expect(200)).body.result.channels;
      expect(Object.keys(listed).filter((name) => name.startsWith('xshathra:'))).toEqual([]);
      // Straight at the engine, its subscribe proxy refuses it (code 103, a terminal permission error)…
      const meta = { projectId: project.projectId };
      const proxied = await http()
        .post('/internal/centrifugo/subscribe')
        .set('X-Xshathra-Proxy-Secret', TEST_PROXY_SECRET)
        .send({ channel: control, user: 'u', meta })
        .expect(200);
      expect(proxied.body.error).toMatchObject({ code: 103 });
      // …and through /realtime the attempt never reaches the engine: a message naming the namespace closes the client.
      const closed = nextEvent<{ code: number }>(client, 'disconnected', 3000);
      client.newSubscription(control).subscribe();
      expect((await closed).code).toBe(4503);
    });

    /** A raw client of the JSON protocol through /realtime: sends `frames` after its connect, says how it was closed. */
    async function rawClient(token: string, frames: (ws: WebSocket) => void) {
      const { port } = app.getHttpServer().address() as { port: number };
      const ws = new WebSocket(`ws://127.0.0.1:${port}/realtime/connection/websocket`);
      const replies: Array<Record<string, unknown>> = [];
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      ws.on('message', (data: Buffer) => {
        for (const line of data.toString().split('\n').filter(Boolean)) {
          if (line === '{}') ws.send('{}');
          else replies.push(JSON.parse(line));
        }
      });
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ id: 1, connect: { token } }));
      for (let i = 0; i < 50 && !replies.some((reply) => reply.id === 1); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(replies.find((reply) => reply.id === 1)).toMatchObject({ connect: expect.any(Object) });
      frames(ws);
      return { ws, replies, closed };
    }

    it('closes a client that tries to leave its control channel (with the terminal 4503): no connection lives uncounted', async () => {
      const project = await createProject(app, 'Leaver', null);
      const control = `xshathra:project.${project.projectId}`;
      const token = (await server(project.serverApiKey, 'token', { userId: 'leaver', channels: [`public:${project.slug}.a`] }).expect(200))
        .body.token;
      const attempts: Array<(ws: WebSocket) => void> = [
        (ws) => ws.send(JSON.stringify({ id: 2, unsubscribe: { channel: control } })),
        // Hidden after an ordinary command in the same message, and with its keys in another case.
        (ws) => ws.send(`{"id":2,"unsubscribe":{"channel":"public:${project.slug}.a"}}\n{"id":3,"UNSUBSCRIBE":{"Channel":"${control}"}}`),
        // As a binary message (read as protobuf too): field 6 (unsubscribe) holding field 1 (channel).
        (ws) => ws.send(protobufUnsubscribe(control)),
      ];
      for (const attempt of attempts) {
        const { closed, replies } = await rawClient(token, attempt);
        expect(await closed).toEqual({ code: 4503, reason: 'the control channel cannot be left' });
        // The engine never got the message: nothing after the connect was answered.
        expect(replies.filter((reply) => reply.id !== 1)).toEqual([]);
        await expectCountSoon(project.serverApiKey, 0);
      }
      // Leaving an ordinary channel is untouched, and the connection stays counted.
      const { ws, replies } = await rawClient(token, (socket) =>
        socket.send(JSON.stringify({ id: 2, unsubscribe: { channel: `public:${project.slug}.a` } })),
      );
      for (let i = 0; i < 50 && !replies.some((reply) => reply.id === 2); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(replies.find((reply) => reply.id === 2)).toEqual({ id: 2, unsubscribe: {} });
      await expectCount(project.serverApiKey, 1);
      ws.close();
    });

    it("refuses an emulation request (the HTTP fallbacks' commands) that would leave the control channel", async () => {
      const project = await createProject(app, 'Emulated leaver', null);
      const control = `xshathra:project.${project.projectId}`;
      const emulate = (data: unknown) =>
        http().post('/realtime/emulation').set('Content-Type', 'application/json').send({ session: 's', node: 'n', data });
      const refused = await emulate(JSON.stringify({ id: 2, unsubscribe: { channel: control } })).expect(403);
      expect(refused.body.error).toContain('reserved "xshathra" namespace');
      await http().post('/realtime/emulation').set('Content-Type', 'application/octet-stream').send(Buffer.from('{"id":')).expect(400);
    });

    it('cannot be given as a pattern', async () => {
      const answer = await admin('post', '/projects')
        .send({ name: 'Reserved pattern', channels: ['xshathra:*'] })
        .expect(400);
      expect(answer.body.error).toBe(
        'Invalid channel pattern "xshathra:*": the namespace "xshathra" is reserved for the service\'s own channels.',
      );
    });
  });
});

describeWithEngine('live connections on an engine without the namespace', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  const clients = new ClientPool();

  beforeAll(async () => {
    const port = await freePort();
    // The deployment's namespaces without `xshathra`, as an operator's own configuration may be.
    const namespaces = [
      { name: 'public', subscribe_proxy_enabled: true, presence: true },
      { name: 'private', presence: true },
    ];
    engine = await startTestEngine(port, [], { CENTRIFUGO_CHANNEL_NAMESPACES: JSON.stringify(namespaces) });
    app = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: engine.url, CENTRIFUGO_API_KEY: ENGINE_API_KEY } });
    await app.listen(port, '127.0.0.1');
    expect(await app.get(ControlChannelProbe).check()).toBe('missing');
  }, 30_000);
  afterAll(async () => {
    clients.closeAll();
    await app.close();
    await engine.stop();
  });

  it('still mints tokens that connect and receive, answers the live routes with 503, and says why in readiness', async () => {
    const project = await createProject(app, 'No namespace', null);
    const server = (path: string, body: object) =>
      request(app.getHttpServer()).post(`/api/realtime/${path}`).set('Authorization', `apikey ${project.serverApiKey}`).send(body);
    const channel = `public:${project.slug}.lobby`;
    const token = (await server('token', { userId: 'u', channels: [channel] }).expect(200)).body.token as string;
    const client = clients.create(wsUrl(app.getHttpServer()), { token });
    const delivered = nextEvent<{ data: unknown }>(client, 'publication');
    client.connect();
    await nextEvent(client, 'connected');
    await server('publish', { channel, data: { ok: true } }).expect(200);
    expect((await delivered).data).toEqual({ ok: true });

    const unavailable = await server('connections', {}).expect(503);
    expect(unavailable.body.error).toContain('no "xshathra" namespace');
    await server('disconnect', { userId: 'u' }).expect(503);
    const ready = (await request(app.getHttpServer()).get('/health/ready').expect(200)).body;
    expect(ready.details.liveConnections).toMatchObject({ status: 'up', namespace: 'missing' });
  });
});
