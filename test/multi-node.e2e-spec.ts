import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { freePort } from '../src/platform/ports';
import { ProjectsService } from '../src/domain/projects/projects.service';
import { ControlChannelProbe } from '../src/domain/live/control-channel-probe';
import { LiveConnections } from '../src/domain/live/live-connections';
import { createProject, createTestApp } from './support/app';
import { describeWithEngine, ENGINE_API_KEY, startTestEngine, TestEngine } from './support/engine';
import { ClientPool, nextEvent } from './support/realtime-client';
import { describeWithRedis, TEST_REDIS_URL } from './support/redis';
import { startTcpBalancer } from './support/tcp-balancer';

/**
 * Scale-out as deployments run it: two control planes and two Centrifugo nodes joined by Centrifugo's Redis
 * engine (broker and presence). Each app reaches the engine through a balancer that prefers its own node and
 * skips a dead one, as a Kubernetes Service or an nginx upstream does.
 */
describeWithRedis('two control planes and two engine nodes over Redis', () => {
  describeWithEngine('scale-out', () => {
    const redisEngine = {
      CENTRIFUGO_ENGINE_TYPE: 'redis',
      CENTRIFUGO_ENGINE_REDIS_ADDRESS: TEST_REDIS_URL!,
      CENTRIFUGO_ENGINE_REDIS_PREFIX: `xs-test-${randomUUID()}`,
    };
    const nodes: TestEngine[] = [];
    const apps: NestExpressApplication[] = [];
    const balancers: Array<{ close(): Promise<void> }> = [];
    const ports: number[] = [];
    const clients = new ClientPool();
    let auth: string;
    let slug: string;
    let projectId: string;

    beforeAll(async () => {
      ports.push(await freePort(), await freePort());
      for (const port of ports) nodes.push(await startTestEngine(port, [], redisEngine));
      for (const [i, port] of ports.entries()) {
        // App i prefers node i and falls over to the other one; its API calls go to its own node.
        const balancer = await startTcpBalancer([nodes[i].url, nodes[1 - i].url]);
        balancers.push(balancer);
        const app = await createTestApp({
          env: { CENTRIFUGO_UPSTREAM_URL: balancer.url, CENTRIFUGO_API_URL: nodes[i].url, CENTRIFUGO_API_KEY: ENGINE_API_KEY },
        });
        await app.listen(port, '127.0.0.1');
        apps.push(app);
      }
      const project = await createProject(apps[0], 'Scaled out', null);
      ({ slug, projectId } = project);
      auth = `apikey ${project.serverApiKey}`;
    }, 60_000);
    afterAll(async () => {
      clients.closeAll();
      for (const app of apps) await app.close();
      for (const balancer of balancers) await balancer.close();
      for (const node of nodes) await node.stop();
    });

    const http = (i: number) => request(apps[i].getHttpServer());
    const subscribed = async (i: number, userId: string, channel: string) => {
      const token = (await http(i).post('/api/realtime/token').set('Authorization', auth).send({ userId }).expect(200)).body
        .token as string;
      const client = clients.create(`ws://127.0.0.1:${ports[i]}/realtime/connection/websocket`, {
        token,
        minReconnectDelay: 50,
        maxReconnectDelay: 200,
      });
      const subscription = client.newSubscription(channel);
      const ready = nextEvent(subscription, 'subscribed');
      subscription.subscribe();
      client.connect();
      await ready;
      return { client, subscription };
    };

    it("counts a project's connections on both nodes alike, and a disable closes them on both within a second", async () => {
      for (const app of apps) expect(await app.get(ControlChannelProbe).check()).toBe('available');
      const counted = await createProject(apps[0], 'Counted on two nodes', null);
      const connectTo = async (i: number, userId: string) => {
        const token = (
          await http(i).post('/api/realtime/token').set('Authorization', `apikey ${counted.serverApiKey}`).send({ userId }).expect(200)
        ).body.token as string;
        const client = clients.create(`ws://127.0.0.1:${ports[i]}/realtime/connection/websocket`, { token });
        const connected = nextEvent(client, 'connected');
        client.connect();
        await connected;
        return client;
      };
      const connected = [await connectTo(0, 'ann'), await connectTo(0, 'ann'), await connectTo(1, 'ben')];
      for (const i of [0, 1]) {
        const counts = await http(i).post('/api/realtime/connections').set('Authorization', `apikey ${counted.serverApiKey}`).send({});
        expect(counts.body).toEqual({ connections: 3, users: 2 });
      }
      const closed = connected.map((client) => nextEvent(client, 'disconnected', 1000));
      await apps[1].get(ProjectsService).disableProject(CLI_ACTOR, counted.projectId);
      for (const event of await Promise.all(closed)) expect(event).toMatchObject({ code: 4502, reason: 'project disabled' });
      expect((await apps[0].get(LiveConnections).counts(counted.projectId)).connections).toBe(0);
    });

    it('delivers across nodes, shares presence, refuses a revoked key everywhere, and survives the loss of a node', async () => {
      const channel = `public:${slug}.room-${randomUUID().slice(0, 8)}`;
      const onNode1 = await subscribed(0, 'alice', channel);
      await subscribed(1, 'bob', channel);

      // A publish through app 2 (node 2) reaches the client on node 1.
      let started = performance.now();
      const received = nextEvent(onNode1.subscription, 'publication');
      await http(1)
        .post('/api/realtime/publish')
        .set('Authorization', auth)
        .send({ channel, data: { n: 1 } })
        .expect(200);
      expect((await received).data).toEqual({ n: 1 });
      const deliveryMs = performance.now() - started;

      // Presence asked through app 1 lists the clients of both nodes.
      const presence = (await http(0).post('/api/realtime/presence').set('Authorization', auth).send({ channel }).expect(200)).body.result
        .presence;
      expect(
        Object.values(presence as Record<string, { user: string }>)
          .map((entry) => entry.user)
          .sort(),
      ).toEqual(['alice', 'bob']);

      // A key revoked through instance 2 is refused by instance 1 within a second.
      const { key: second } = await apps[0].get(ProjectsService).createKey(CLI_ACTOR, projectId, 'server');
      await http(0).post('/api/realtime/token').set('Authorization', `apikey ${second}`).send({ userId: 'u' }).expect(200);
      const keyId = (await apps[1].get(ProjectsService).listKeys(projectId)).find((k) => k.prefix === second.slice(0, 12))!.id;
      await apps[1].get(ProjectsService).revokeKey(CLI_ACTOR, keyId);
      started = performance.now();
      while ((await http(0).post('/api/realtime/token').set('Authorization', `apikey ${second}`).send({ userId: 'u' })).status !== 401) {
        expect(performance.now() - started).toBeLessThan(1000);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const revocationMs = performance.now() - started;

      // Node 1 dies: its client reconnects through app 1, whose balancer now reaches node 2, and resubscribes.
      const reconnected = nextEvent(onNode1.client, 'connected', 10_000);
      const resubscribed = nextEvent(onNode1.subscription, 'subscribed', 10_000);
      started = performance.now();
      await nodes[0].stop();
      await reconnected;
      await resubscribed;
      const reconnectMs = performance.now() - started;
      const afterFailover = nextEvent(onNode1.subscription, 'publication');
      await http(1)
        .post('/api/realtime/publish')
        .set('Authorization', auth)
        .send({ channel, data: { n: 2 } })
        .expect(200);
      expect((await afterFailover).data).toEqual({ n: 2 });

      process.stderr.write(
        `multi-node: cross-node delivery ${deliveryMs.toFixed(0)} ms, revocation on the other instance ${revocationMs.toFixed(0)} ms, reconnect after node loss ${reconnectMs.toFixed(0)} ms\n`,
      );
    }, 60_000);
  });
});
