import { connect } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import WebSocket from 'ws';
import { createProject, createTestApp } from './support/app';
import { freePort } from '../src/platform/ports';
import { describeWithEngine, startTestEngine, TestEngine } from './support/engine';
import { startRecordingUpstream } from './support/recording-upstream';

/** The /realtime proxy: what it passes on to the engine, and the limits on the connections it holds. */

describe('what the /realtime proxy passes on', () => {
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  const apps: NestExpressApplication[] = [];

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await upstream.close();
  });

  const appWith = async (env: Record<string, string>) => {
    const app = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: upstream.url, ...env } });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return app;
  };
  const spoofed = {
    Authorization: 'apikey xs_sk_secret',
    Cookie: 'session=secret',
    'X-Forwarded-For': '6.6.6.6',
    'X-Forwarded-Host': 'evil.example',
    'X-Forwarded-Proto': 'https',
    Forwarded: 'for=6.6.6.6',
    'X-Real-IP': '6.6.6.6',
  };

  it('rewrites the path, keeps Origin and the query, builds X-Forwarded-* from the socket and drops credentials, for HTTP and WebSocket alike', async () => {
    const app = await appWith({});
    const { port } = app.getHttpServer().address() as { port: number };
    const browser = { ...spoofed, Origin: 'https://app.example.com' };
    await request(app.getHttpServer())
      .get('/realtime/connection/uni_sse?cf_connect=%7B%7D')
      .set(browser)
      .set('Host', `127.0.0.1:${port}`)
      .expect(200);
    await new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/realtime/connection/websocket`, { headers: browser });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    expect(upstream.requests.at(-1)!.url).toBe('/connection/uni_sse?cf_connect=%7B%7D');
    expect(upstream.upgrades.at(-1)!.url).toBe('/connection/websocket');
    for (const { headers } of [upstream.requests.at(-1)!, upstream.upgrades.at(-1)!]) {
      expect(headers).toMatchObject({
        origin: 'https://app.example.com',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': `127.0.0.1:${port}`,
      });
      for (const name of ['authorization', 'cookie', 'forwarded', 'x-real-ip']) expect(headers).not.toHaveProperty(name);
    }
  });

  it("keeps what trusted hops said (TRUST_PROXY), and adds the socket's address", async () => {
    const app = await appWith({ TRUST_PROXY: 'loopback' });
    await request(app.getHttpServer()).get('/realtime/connection/uni_sse').set(spoofed).expect(200);
    expect(upstream.requests.at(-1)!.headers).toMatchObject({
      'x-forwarded-for': '6.6.6.6, 127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
    });
  });
});

describe('connection limits', () => {
  it('closes a connection that never finishes its headers within HEADERS_TIMEOUT_MS', async () => {
    const app = await createTestApp({ env: { HEADERS_TIMEOUT_MS: '1000' } });
    await app.listen(0, '127.0.0.1');
    try {
      const { port } = app.getHttpServer().address() as { port: number };
      const started = Date.now();
      const closedAfterMs = await new Promise<number>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n')); // no blank line
        socket.on('data', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
        socket.on('error', () => undefined);
      });
      // 1 s, plus Node's check every second; it used to stay open for over a minute.
      expect(closedAfterMs).toBeLessThan(5000);
    } finally {
      await app.close();
    }
  });
});

describeWithEngine('the cap on proxied WebSockets', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let url: string;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    engine = await startTestEngine(port);
    // Every socket here comes from 127.0.0.1: its own cap (test/edge.e2e-spec.ts) must not be the one hit.
    app = await createTestApp({
      env: { CENTRIFUGO_UPSTREAM_URL: engine.url, MAX_PROXIED_WEBSOCKETS: '2', MAX_PROXIED_WEBSOCKETS_PER_ADDRESS: '2' },
    });
    await app.listen(port, '127.0.0.1');
    url = `ws://127.0.0.1:${port}/realtime/connection/websocket`;
  });
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  const open = () =>
    new Promise<{ socket?: WebSocket; status?: number }>((resolve) => {
      const socket = new WebSocket(url);
      socket.on('open', () => resolve({ socket }));
      socket.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      socket.on('error', () => undefined);
    });

  it('refuses the handshake beyond the cap with 503, and accepts again once a socket closes', async () => {
    const first = await open();
    const second = await open();
    expect([first.socket, second.socket].every(Boolean)).toBe(true);
    expect((await open()).status).toBe(503);
    first.socket!.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await open();
    expect(again.socket).toBeDefined();
    second.socket!.close();
    again.socket!.close();
  });

  it('counts HTTP streams (the HTTP-streaming and SSE fallbacks) against the same cap', async () => {
    const { serverApiKey } = await createProject(app, 'Streams');
    const token = (
      await request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', `apikey ${serverApiKey}`)
        .send({ userId: 's' })
        .expect(200)
    ).body.token as string;
    const stream = () =>
      fetch(`http://127.0.0.1:${port}/realtime/connection/http_stream`, {
        method: 'POST',
        body: JSON.stringify({ id: 1, connect: { token } }),
        signal: controller.signal,
      });
    const controller = new AbortController();
    try {
      expect((await stream()).status).toBe(200); // held open by the engine
      const socket = await open();
      expect(socket.socket).toBeDefined();
      expect((await open()).status).toBe(503);
      const refused = await stream();
      expect(refused.status).toBe(503);
      expect((await refused.json()) as object).toEqual({
        statusCode: 503,
        error: 'This instance holds as many realtime connections as it may (MAX_PROXIED_WEBSOCKETS); retry.',
      });
      socket.socket!.close();
    } finally {
      controller.abort();
    }
  });
});
