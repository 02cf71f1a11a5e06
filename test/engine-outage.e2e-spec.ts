import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ControlChannelProbe } from '../src/domain/live/control-channel-probe';
import WebSocket from 'ws';
import { describeWithEngine, startEngineAndApp, TestEngine } from './support/engine';
import { ClientPool, nextEvent, wsUrl } from './support/realtime-client';

const up = { status: 'up', responseTime: expect.any(Number) };

describeWithEngine('health and an engine outage', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let auth: string;
  const clients = new ClientPool();

  beforeAll(async () => {
    ({ engine, app, auth } = await startEngineAndApp('Outage'));
  });
  afterAll(async () => {
    clients.closeAll();
    await app?.close();
    await engine?.stop();
  });

  const http = () => request(app.getHttpServer());
  const publish = (channel: string, data: unknown) =>
    http().post('/api/realtime/publish').set('Authorization', auth).send({ channel, data });

  it('reports the exact Terminus JSON while everything is up, without an API key', async () => {
    expect(await app.get(ControlChannelProbe).check()).toBe('available');
    const liveConnections = { status: 'up', namespace: 'available' };
    expect((await http().get('/health/live').expect(200)).body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    expect((await http().get('/health/ready').expect(200)).body).toEqual({
      status: 'ok',
      info: { database: up, shutdown: { status: 'up' }, channelPatterns: { status: 'up', overlaps: 0 }, liveConnections },
      error: {},
      details: { database: up, shutdown: { status: 'up' }, channelPatterns: { status: 'up', overlaps: 0 }, liveConnections },
    });
    expect((await http().get('/health').expect(200)).body).toEqual({
      status: 'ok',
      info: { database: up, engine: up },
      error: {},
      details: { database: up, engine: up },
    });
  });

  it('fails what depends on the engine while it is down, and recovers without a restart', async () => {
    const token = (await http().post('/api/realtime/token').set('Authorization', auth).send({ userId: 'oscar' }).expect(200)).body.token;
    const client = clients.create(wsUrl(app.getHttpServer()), { token, minReconnectDelay: 100, maxReconnectDelay: 500 });
    const subscription = client.newSubscription('public:outage');
    let subscribed = nextEvent(subscription, 'subscribed');
    subscription.subscribe();
    client.connect();
    await subscribed;

    // The engine goes away: the proxied socket is closed, so the client notices and starts reconnecting.
    const connecting = nextEvent(client, 'connecting', 10_000);
    await engine.stop();
    await connecting;

    const failedPublish = await publish('public:outage', { n: 1 }).expect(502);
    expect(failedPublish.body).toEqual({ statusCode: 502, error: 'The realtime engine is unreachable.' });
    expect((await http().get('/realtime/health').expect(502)).body).toEqual({
      statusCode: 502,
      error: 'The realtime engine is unreachable.',
    });
    const health = await http().get('/health').expect(503);
    expect(health.body).toEqual({
      status: 'error',
      info: { database: up },
      error: { engine: { status: 'down', message: 'The realtime engine is unreachable.', responseTime: expect.any(Number) } },
      details: {
        database: up,
        engine: { status: 'down', message: 'The realtime engine is unreachable.', responseTime: expect.any(Number) },
      },
    });
    await http().get('/health/live').expect(200);
    await http().get('/health/ready').expect(200);
    const upgrade = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl(app.getHttpServer()));
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => resolve(-1));
    });
    expect(upgrade).toBe(502);

    // The engine comes back on the same address: everything recovers on its own.
    subscribed = nextEvent(subscription, 'subscribed', 10_000);
    await engine.start();
    await subscribed;
    await http().get('/realtime/health').expect(200);
    await http().get('/health').expect(200);
    const received = nextEvent(subscription, 'publication');
    await publish('public:outage', { n: 2 }).expect(200);
    expect((await received).data).toEqual({ n: 2 });
  }, 30_000);
});
