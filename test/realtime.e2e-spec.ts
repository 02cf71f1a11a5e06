import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import WebSocket from 'ws';
import { ALLOWED_ORIGIN, describeWithEngine, ENGINE_API_KEY, startEngineAndApp, TestEngine } from './support/engine';
import { ShiftedClock } from './support/manual-clock';
import { ClientPool, nextEvent, websocketWithOrigin, wsUrl } from './support/realtime-client';

/**
 * The whole path as users run it: a backend mints tokens and publishes through the control plane; the real
 * centrifuge-js client connects through /realtime/connection/websocket (never straight to the engine).
 */
describeWithEngine('realtime path through the control plane', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let clock: ShiftedClock;
  let auth: string;
  let url: string;
  const clients = new ClientPool();

  beforeAll(async () => {
    clock = new ShiftedClock();
    ({ engine, app, auth } = await startEngineAndApp('Realtime', { clock }));
    url = wsUrl(app.getHttpServer());
  });
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  const http = () => request(app.getHttpServer());
  const connectionToken = async (body: object) =>
    (await http().post('/api/realtime/token').set('Authorization', auth).send(body).expect(200)).body.token as string;
  const subscriptionToken = async (body: object) =>
    (await http().post('/api/realtime/subscription-token').set('Authorization', auth).send(body).expect(200)).body.token as string;
  const publish = (channel: string, data: unknown) =>
    http().post('/api/realtime/publish').set('Authorization', auth).send({ channel, data });
  const channelName = (namespace: string) => `${namespace}:${randomUUID()}`;

  it('delivers a publish to a client subscribed to a public channel, with the exact data', async () => {
    const channel = channelName('public');
    const client = clients.create(url, { token: await connectionToken({ userId: 'alice' }) });
    const subscription = client.newSubscription(channel);
    const subscribed = nextEvent(subscription, 'subscribed');
    subscription.subscribe();
    client.connect();
    await subscribed;

    const data = { type: 'chat.message', text: 'Hello', senderId: 'user_01HZEXAMPLE', nested: { n: [1, 2.5, null, true] } };
    const received = nextEvent(subscription, 'publication');
    const response = await publish(channel, data).expect(200);
    expect(response.body).toEqual({ result: { offset: 1, epoch: expect.any(String) } });
    expect((await received).data).toEqual(data);
  });

  it("delivers to a server-side subscription from the token's channels claim", async () => {
    const channel = channelName('public');
    const client = clients.create(url, { token: await connectionToken({ userId: 'bob', channels: [channel] }) });
    const received = nextEvent(client, 'publication', 5000, (ctx: { channel: string; data: unknown }) => ctx.channel === channel);
    const connected = nextEvent(client, 'connected');
    client.connect();
    await connected;
    // The server-side subscription exists once connected; publish and expect it on the client itself.
    await publish(channel, { hello: 'server-side' }).expect(200);
    expect((await received).data).toEqual({ hello: 'server-side' });
  });

  it('refuses a private channel without a subscription token (code 103)', async () => {
    const client = clients.create(url, { token: await connectionToken({ userId: 'carol' }) });
    const subscription = client.newSubscription(channelName('private'));
    const unsubscribed = nextEvent(subscription, 'unsubscribed');
    subscription.subscribe();
    client.connect();
    expect(await unsubscribed).toMatchObject({ code: 103 });
  });

  it('subscribes to a private channel with a token from /subscription-token via getToken, and receives', async () => {
    const channel = channelName('private');
    const client = clients.create(url, { token: await connectionToken({ userId: 'dave' }) });
    const requested: string[] = [];
    const subscription = client.newSubscription(channel, {
      getToken: async ({ channel: wanted }) => {
        requested.push(wanted);
        return subscriptionToken({ userId: 'dave', channel: wanted });
      },
    });
    const subscribed = nextEvent(subscription, 'subscribed');
    subscription.subscribe();
    client.connect();
    await subscribed;
    expect(requested).toEqual([channel]);

    const received = nextEvent(subscription, 'publication');
    await publish(channel, { secret: 'for dave' }).expect(200);
    expect((await received).data).toEqual({ secret: 'for dave' });
  });

  it('does not accept a subscription token minted for another userId', async () => {
    const channel = channelName('private');
    const client = clients.create(url, { token: await connectionToken({ userId: 'erin' }) });
    const subscription = client.newSubscription(channel, { token: await subscriptionToken({ userId: 'mallory', channel }) });
    const disconnected = nextEvent(client, 'disconnected');
    const subscribed = jest.fn();
    subscription.on('subscribed', subscribed);
    subscription.subscribe();
    client.connect();
    expect(await disconnected).toMatchObject({ code: 3500 });
    expect(subscribed).not.toHaveBeenCalled();
  });

  it('has the engine refuse a connection token signed with another secret (3500 invalid token)', async () => {
    const { createHmac } = await import('node:crypto');
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 'eve', exp: Math.floor(Date.now() / 1000) + 300 })}`;
    const forged = `${unsigned}.${createHmac('sha256', 'not-the-deployment-secret').update(unsigned).digest('base64url')}`;
    const client = clients.create(url, { token: forged });
    const disconnected = nextEvent(client, 'disconnected');
    client.connect();
    expect(await disconnected).toMatchObject({ code: 3500, reason: 'invalid token' });
  });

  it('refreshes an expiring connection token through getToken and stays connected', async () => {
    // Shift the control plane's clock back so that a 30 s token (the minimum) expires 3 s from now.
    clock.offsetMs = -27_000;
    try {
      const channel = channelName('public');
      let refreshes = 0;
      const client = clients.create(url, {
        token: await connectionToken({ userId: 'frank', ttlSeconds: 30 }),
        getToken: async () => {
          refreshes++;
          return connectionToken({ userId: 'frank', ttlSeconds: 30 });
        },
      });
      const subscription = client.newSubscription(channel);
      const disconnected = jest.fn();
      client.on('disconnected', disconnected);
      const subscribed = nextEvent(subscription, 'subscribed');
      subscription.subscribe();
      client.connect();
      await subscribed;

      await new Promise((resolve) => setTimeout(resolve, 5000)); // past the first token's expiry
      expect(refreshes).toBeGreaterThanOrEqual(1);
      expect(client.state).toBe('connected');
      expect(disconnected).not.toHaveBeenCalled();
      const received = nextEvent(subscription, 'publication');
      await publish(channel, { after: 'refresh' }).expect(200);
      expect((await received).data).toEqual({ after: 'refresh' });
    } finally {
      clock.offsetMs = 0;
    }
  }, 20_000);

  it("keeps the browser's Origin, so the engine's origin check still applies through the proxy", async () => {
    const token = await connectionToken({ userId: 'grace' });
    const allowed = clients.create(url, { token, websocket: websocketWithOrigin(ALLOWED_ORIGIN) });
    const connected = nextEvent(allowed, 'connected');
    allowed.connect();
    await connected;

    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { Origin: 'http://evil.example' } });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => reject(new Error('a foreign Origin was let through')));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });

  it('forwards the publish body byte for byte (no re-serialization)', async () => {
    const channel = channelName('public');
    const raw = `{"channel":"${channel}","data":{"big":12345678901234567890,"text":"caf\\u00e9"}}`;
    await http().post('/api/realtime/publish').set('Authorization', auth).set('Content-Type', 'application/json').send(raw).expect(200);
    // Read the stored publication back from the engine's own API.
    const history = await fetch(`${engine.url}/api/history`, {
      method: 'POST',
      headers: { 'X-API-Key': ENGINE_API_KEY },
      body: JSON.stringify({ channel, limit: 1 }),
    });
    expect(await history.text()).toContain('"data":{"big":12345678901234567890,"text":"caf\\u00e9"}');
  });

  it('answers /realtime/health from the engine', async () => {
    const response = await http().get('/realtime/health').expect(200);
    expect(response.body).toEqual({});
  });

  it.each(['/realtime/api/publish', '/realtime/api', '/realtime/admin', '/realtime/metrics', '/realtime/connection/../api/publish'])(
    'keeps %s away from the engine (404)',
    async (path) => {
      const response = await http().post(path).set('X-API-Key', ENGINE_API_KEY).send({ channel: 'public:x', data: {} }).expect(404);
      expect(response.body.statusCode).toBe(404);
    },
  );

  it('refuses a WebSocket upgrade outside /realtime/connection/ with 404', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const { port } = app.getHttpServer().address() as { port: number };
      const socket = new WebSocket(`ws://127.0.0.1:${port}/realtime/api`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => reject(new Error('upgrade accepted')));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(404);
  });
});
