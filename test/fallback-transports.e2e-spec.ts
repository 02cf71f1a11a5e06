import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Centrifuge } from 'centrifuge';
import { EventSource } from 'eventsource';
import request from 'supertest';
import { describeWithEngine, startEngineAndApp, TestEngine } from './support/engine';
import { nextEvent } from './support/realtime-client';

/**
 * centrifuge-js without WebSocket, as behind networks that block it: the HTTP-streaming and SSE fallbacks
 * through the app's /realtime (connections on /realtime/connection/*, commands on /realtime/emulation).
 */
describeWithEngine('fallback transports through /realtime', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let auth: string;
  let origin: string;
  const clients: Centrifuge[] = [];

  beforeAll(async () => {
    ({ engine, app, auth } = await startEngineAndApp('Fallbacks'));
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  it.each(['http_stream', 'sse'] as const)(
    'connects over %s, subscribes, receives a publication, and sends commands through emulation',
    async (transport) => {
      const token = (
        await request(app.getHttpServer())
          .post('/api/realtime/token')
          .set('Authorization', auth)
          .send({ userId: `fallback-${transport}` })
          .expect(200)
      ).body.token as string;
      const client = new Centrifuge([{ transport, endpoint: `${origin}/realtime/connection/${transport}` }], {
        token,
        emulationEndpoint: `${origin}/realtime/emulation`,
        eventsource: EventSource,
      });
      clients.push(client);
      const channel = `public:fallback-${randomUUID().slice(0, 8)}`;
      const subscription = client.newSubscription(channel);
      const connected = nextEvent(client, 'connected');
      const subscribed = nextEvent(subscription, 'subscribed');
      client.connect();
      expect((await connected).transport).toBe(transport);
      subscription.subscribe(); // a command sent after connecting: it travels through /realtime/emulation
      await subscribed;

      const received = nextEvent(subscription, 'publication');
      await request(app.getHttpServer())
        .post('/api/realtime/publish')
        .set('Authorization', auth)
        .send({ channel, data: { via: transport } })
        .expect(200);
      expect((await received).data).toEqual({ via: transport });

      // A client-side publish reaches the engine through emulation too; the namespace does not allow it (103).
      await expect(subscription.publish({ from: 'client' })).rejects.toMatchObject({ code: 103 });
    },
  );
});
