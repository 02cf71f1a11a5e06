import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import WebSocket from 'ws';
import { freePort } from '../src/platform/ports';
import { createProject, createTestApp } from './support/app';
import { describeWithEngine, startTestEngine, TestEngine } from './support/engine';
import { startEntry, type RunningServer } from './support/processes';
import { startSilentUpstream } from './support/silent-upstream';

/** What one address, or one hung engine, can do to everyone else at the edge: connection caps and timeouts. */

describeWithEngine('realtime connections per client address (MAX_PROXIED_WEBSOCKETS_PER_ADDRESS)', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let port: number;
  const held: WebSocket[] = [];

  beforeAll(async () => {
    port = await freePort();
    engine = await startTestEngine(port);
    // Requests arrive "through a proxy" on loopback, which reports the client in X-Forwarded-For.
    app = await createTestApp({
      env: {
        CENTRIFUGO_UPSTREAM_URL: engine.url,
        MAX_PROXIED_WEBSOCKETS: '100',
        MAX_PROXIED_WEBSOCKETS_PER_ADDRESS: '2',
        HEADERS_TIMEOUT_MS: '1000',
        TRUST_PROXY: 'loopback',
      },
    });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    for (const socket of held) socket.terminate();
    await app?.close();
    await engine?.stop();
  });

  const open = (options: { forwardedFor?: string; localAddress?: string } = {}) =>
    new Promise<{ socket?: WebSocket; status?: number; retryAfter?: string }>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/realtime/connection/websocket`, {
        headers: options.forwardedFor ? { 'X-Forwarded-For': options.forwardedFor } : {},
        localAddress: options.localAddress,
      });
      socket.on('open', () => {
        held.push(socket);
        resolve({ socket });
      });
      socket.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] }));
      socket.on('error', () => undefined);
    });

  it('refuses a third WebSocket from one resolved address with 503 and Retry-After, while another address still connects', async () => {
    const attacker = '203.0.113.66';
    expect((await open({ forwardedFor: attacker })).socket).toBeDefined();
    expect((await open({ forwardedFor: attacker })).socket).toBeDefined();
    expect(await open({ forwardedFor: attacker })).toEqual({ status: 503, retryAfter: '5' });
    // Another client behind the same trusted proxy is not affected.
    expect((await open({ forwardedFor: '198.51.100.20' })).socket).toBeDefined();
  });

  it('counts SSE and HTTP-streaming requests of that address against the same cap (503 JSON with Retry-After)', async () => {
    const response = await request(app.getHttpServer())
      .get('/realtime/connection/uni_sse')
      .set('X-Forwarded-For', '203.0.113.66')
      .expect(503)
      .expect('Retry-After', '5');
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'This address holds as many realtime connections as it may (MAX_PROXIED_WEBSOCKETS_PER_ADDRESS); retry.',
    });
    await request(app.getHttpServer()).post('/realtime/connection/http_stream').set('X-Forwarded-For', '203.0.113.66').expect(503);

    // A stream from a fresh address holds one of its two slots: its third connection is refused.
    const { serverApiKey } = await createProject(app, 'Per-address streams');
    const { token } = (
      await request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${serverApiKey}`).send({ userId: 's' })
    ).body as { token: string };
    const controller = new AbortController();
    try {
      const stream = await fetch(`http://127.0.0.1:${port}/realtime/connection/http_stream`, {
        method: 'POST',
        headers: { 'X-Forwarded-For': '192.0.2.5' },
        body: JSON.stringify({ id: 1, connect: { token } }),
        signal: controller.signal,
      });
      expect(stream.status).toBe(200);
      expect((await open({ forwardedFor: '192.0.2.5' })).socket).toBeDefined();
      expect((await open({ forwardedFor: '192.0.2.5' })).status).toBe(503);
    } finally {
      controller.abort();
    }
  });

  it("counts the socket's own address when no trusted proxy speaks for it (127.0.0.2 is not 127.0.0.1)", async () => {
    expect((await open({ localAddress: '127.0.0.3' })).socket).toBeDefined();
    expect((await open({ localAddress: '127.0.0.3' })).socket).toBeDefined();
    expect((await open({ localAddress: '127.0.0.3' })).status).toBe(503);
    expect((await open({ localAddress: '127.0.0.2' })).socket).toBeDefined();
  });

  it('keeps a quiet WebSocket open past HEADERS_TIMEOUT_MS: the silent-connection limit ends at the upgrade', async () => {
    const { socket } = await open({ forwardedFor: '192.0.2.77' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(socket!.readyState).toBe(WebSocket.OPEN);
  });
});

describe('/realtime/health on a hung engine', () => {
  it('answers 504 within ENGINE_TIMEOUT_MS, not 502 after a minute', async () => {
    const silent = await startSilentUpstream();
    const app = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: silent.url, ENGINE_TIMEOUT_MS: '500' } });
    try {
      const started = Date.now();
      const response = await request(app.getHttpServer()).get('/realtime/health').expect(504);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(response.body).toEqual({ statusCode: 504, error: 'The realtime engine did not answer within 500 ms.' });
    } finally {
      await app.close();
      await silent.close();
    }
  }, 10_000);
});

/** The service as `npm run start:prod` runs it (no engine needed), for what only a real process shows: its logs and its fds. */
describe('the server process at its edge', () => {
  let server: RunningServer;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    server = await startEntry(
      'main.js',
      { PORT: String(port), LOG_LEVEL: 'info', HEADERS_TIMEOUT_MS: '1000', TRUST_PROXY: 'loopback' },
      /Nest application successfully started/,
    );
  });
  afterAll(() => server?.stop('SIGKILL'));

  /** Opens `count` TCP connections that never send a byte; resolves with them once all are connected. */
  const openSilent = (count: number) =>
    Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => resolve(socket));
            socket.on('error', () => undefined);
          }),
      ),
    );
  /** Resolves with how many of `sockets` the server closed within `ms`. */
  const closedWithin = (sockets: Socket[], ms: number) =>
    new Promise<number>((resolve) => {
      let closed = 0;
      const timer = setTimeout(() => resolve(closed), ms);
      for (const socket of sockets) {
        const onClose = () => {
          if (++closed === sockets.length) {
            clearTimeout(timer);
            resolve(closed);
          }
        };
        if (socket.destroyed) onClose();
        else socket.once('close', onClose);
      }
    });

  it('logs the resolved client address, not the socket peer', async () => {
    await fetch(`http://127.0.0.1:${port}/health/live?probe=log-address`, { headers: { 'X-Forwarded-For': '203.0.113.44' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const line = server
      .output()
      .split('\n')
      .find((entry) => entry.includes('/health/live?probe='));
    expect(line).toBeDefined();
    expect((JSON.parse(line!) as { req: { remoteAddress: string } }).req.remoteAddress).toBe('203.0.113.44');
  });

  it('closes connections that send nothing within HEADERS_TIMEOUT_MS', async () => {
    const sockets = await openSilent(50);
    // 1 s, plus a margin for a loaded machine; they used to stay open for good.
    expect(await closedWithin(sockets, 4000)).toBe(50);
  });

  it("closes an idle keep-alive connection after Node's keep-alive timeout, not before its first answer", async () => {
    const socket = await openSilent(1).then(([first]) => first);
    const answered = new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(chunk.toString())));
    socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 200 /);
    // Node's keepAliveTimeout (5 s) plus its 1 s grace.
    expect(await closedWithin([socket], 8000)).toBe(1);
  }, 15_000);

  it('serves a real request at its open-files limit once the silent connections are closed', async () => {
    const pid = server.child.pid!;
    const open = readdirSync(`/proc/${pid}/fd`).length;
    // Room for 20 more descriptors: 100 silent connections would otherwise hold them all.
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${open + 20}:${open + 20}`]);
    const sockets = await openSilent(100);
    // Those the server accepted before its limit are closed after HEADERS_TIMEOUT_MS (the rest at once, by
    // libuv when accept fails); before, they held the descriptors for good.
    expect(await closedWithin(sockets, 5000)).toBe(100);
    const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    for (const socket of sockets) socket.destroy();
  }, 20_000);
});
