import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import WebSocket from 'ws';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { ProjectsService } from '../src/domain/projects/projects.service';
import { freePort } from '../src/platform/ports';
import { TEST_PROXY_SECRET } from './support/app';
import { ALLOWED_ORIGIN, describeWithEngine, ENGINE_API_KEY, startEngineAndApp, TestEngine } from './support/engine';
import { ClientPool, nextEvent, websocketWithOrigin } from './support/realtime-client';

const METRICS_TOKEN = 'metrics-token-behind-nginx';
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const nginxMissing = !existsSync(NGINX) && process.env.REQUIRE_NGINX !== '1';
if (nginxMissing) process.stderr.write(`\n!!! SKIPPING the nginx routing test: no nginx at ${NGINX} (apt-get install nginx)\n\n`);

/** deploy/nginx.conf in a real nginx, with the compose host names pointed at this run's app and engine. */
describeWithEngine('deploy/nginx.conf in front of the app and the engine', () => {
  (nginxMissing ? describe.skip : describe)('a real nginx', () => {
    let engine: TestEngine;
    let app: NestExpressApplication;
    let nginx: ChildProcess;
    let dir: string;
    let origin: string;
    let auth: string;
    const clients = new ClientPool();

    beforeAll(async () => {
      // As deployed: the app trusts its nginx (here on loopback) to report the client's address, and has a
      // metrics route that the edge must not serve. Three failed authentications block an address.
      ({ engine, app, auth } = await startEngineAndApp('Behind nginx', {
        env: { TRUST_PROXY: 'loopback', METRICS_TOKEN, AUTH_FAILURES_PER_MINUTE: '3' },
      }));

      const appPort = (app.getHttpServer().address() as { port: number }).port;
      const nginxPort = await freePort();
      origin = `http://127.0.0.1:${nginxPort}`;
      dir = mkdtempSync(join(tmpdir(), 'xshathra-nginx-'));
      const site = readFileSync('deploy/nginx.conf', 'utf8')
        .replace('server app:3001;', `server 127.0.0.1:${appPort};`)
        .replace('server centrifugo:8000;', `server ${new URL(engine.url).host};`)
        .replace('listen 80;', `listen 127.0.0.1:${nginxPort};`);
      const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${dir}/${name};`).join('\n  ');
      writeFileSync(
        join(dir, 'nginx.conf'),
        `daemon off;\nuser root;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  ${temp}\n${site}\n}\n`,
      );
      nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
      for (let i = 0; i < 50; i++) {
        if ((await fetch(`${origin}/health/live`).catch(() => undefined))?.ok) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`nginx did not start:\n${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
    });
    afterAll(async () => {
      clients.closeAll();
      nginx?.kill('SIGQUIT');
      await app?.close();
      await engine?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const post = (path: string, body: object) =>
      fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('sends the API to the app, and WebSockets through its guarded proxy to the engine', async () => {
      const { token } = (await (await post('/api/realtime/token', { userId: 'nina' })).json()) as { token: string };
      const client = clients.create(`ws://127.0.0.1:${new URL(origin).port}/realtime/connection/websocket`, {
        token,
        websocket: websocketWithOrigin(ALLOWED_ORIGIN),
      });
      const subscription = client.newSubscription('public:nginx');
      const subscribed = nextEvent(subscription, 'subscribed');
      subscription.subscribe();
      client.connect();
      await subscribed;
      const received = nextEvent(subscription, 'publication');
      expect((await post('/api/realtime/publish', { channel: 'public:nginx', data: { via: 'nginx' } })).status).toBe(200);
      expect((await received).data).toEqual({ via: 'nginx' });
      // The app's proxy is on the way: a client that tries to leave its control channel is closed.
      const { id } = (await (await fetch(`${origin}/api/realtime/project`, { headers: { Authorization: auth } })).json()) as { id: string };
      const raw = new WebSocket(`ws://127.0.0.1:${new URL(origin).port}/realtime/connection/websocket`, {
        headers: { Origin: ALLOWED_ORIGIN },
      });
      const closed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
      raw.on('open', () => raw.send(JSON.stringify({ id: 1, connect: { token } })));
      raw.on('message', (data: Buffer) => {
        if (data.toString().includes('"id":1')) raw.send(JSON.stringify({ id: 2, unsubscribe: { channel: `xshathra:project.${id}` } }));
      });
      expect(await closed).toBe(4503);
    });

    it('serves the engine health at /realtime/health and keeps the engine API private', async () => {
      const health = await fetch(`${origin}/realtime/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({});
      for (const path of ['/realtime/api/publish', '/realtime/admin', '/realtime/metrics']) {
        const response = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'X-API-Key': ENGINE_API_KEY }, body: '{}' });
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
    });

    it("does not pass the app's engine-only subscribe proxy or its metrics through, in any case or with a trailing slash", async () => {
      for (const path of [
        '/internal/centrifugo/subscribe',
        '//internal/centrifugo/subscribe',
        '/api/../internal/centrifugo/subscribe',
        '/INTERNAL/centrifugo/subscribe',
        '/Internal/Centrifugo/Subscribe',
        '/%69nternal/centrifugo/subscribe',
        '/internal/centrifugo/subscribe/',
      ]) {
        const response = await fetch(`${origin}${path}`, {
          method: 'POST',
          headers: { 'X-Xshathra-Proxy-Secret': TEST_PROXY_SECRET, 'Content-Type': 'application/json' },
          body: JSON.stringify({ channel: 'public:x', meta: { projectId: '00000000-0000-4000-8000-000000000000' } }),
        });
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
      for (const path of ['/metrics', '/METRICS', '/Metrics', '/metrics/', '//metrics', '/%6detrics']) {
        const response = await fetch(`${origin}${path}`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
      // The app itself serves both (its routing ignores case): only nginx keeps them private.
      const appOrigin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
      expect((await fetch(`${appOrigin}/METRICS`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    });

    // Last: it leaves this address blocked for the rest of the window.
    it('counts a client by the address nginx saw, whatever X-Forwarded-For it sends', async () => {
      const token = (forwardedFor: string, key: string) =>
        fetch(`${origin}/api/realtime/token`, {
          method: 'POST',
          headers: { Authorization: `apikey ${key}`, 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor },
          body: JSON.stringify({ userId: 'u' }),
        });
      // Attempts, each claiming another address, are all counted against the one nginx saw (with the valid
      // key's first use earlier in this spec, AUTH_FAILURES_PER_MINUTE=3 is reached within three), and once
      // blocked, every claimed address stays blocked. Counted per claimed address, none would be.
      const statuses = [];
      for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'])
        statuses.push((await token(spoofed, 'xs_sk_guessed')).status);
      const blockedFrom = statuses.indexOf(429);
      expect(blockedFrom).toBeGreaterThan(0);
      expect(blockedFrom).toBeLessThanOrEqual(3);
      expect(statuses.slice(blockedFrom)).toEqual(statuses.slice(blockedFrom).map(() => 429));
      // A valid key this instance has not accepted before is blocked too from a fifth claimed address (a key it
      // has accepted would pass: a block stops only guessing).
      const projectId = (await app.get(ProjectsService).listProjects()).projects.find((p) => p.name === 'Behind nginx')!.id;
      const { key } = await app.get(ProjectsService).createKey(CLI_ACTOR, projectId, 'server');
      expect((await token('203.0.113.5', key)).status).toBe(429);
    });
  });
});
