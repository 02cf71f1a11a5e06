import { request as httpRequest } from 'node:http';
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { freePort } from '../src/common/ports';
import { TEST_SECRET } from './support/app';
import { describeWithEngine, ENGINE_API_KEY, startTestEngine, TestEngine } from './support/engine';
import { nextEvent } from './support/realtime-client';
import { runCli, startEntry } from './support/processes';

describeWithEngine('graceful shutdown on SIGTERM', () => {
  let engine: TestEngine;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    engine = await startTestEngine(port);
  });
  afterAll(() => engine?.stop());

  it('finishes an in-flight request, closes proxied WebSockets and exits', async () => {
    const env = { PORT: String(port), CENTRIFUGO_UPSTREAM_URL: engine.url, CENTRIFUGO_API_KEY: ENGINE_API_KEY, CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: TEST_SECRET };
    const server = await startEntry('main.js', { ...env, LOG_LEVEL: 'info' }, /Nest application successfully started/);
    const { serverApiKey } = JSON.parse((await runCli(['projects', 'create', '--name', 'Shutdown', '--channels', '*:*', '--json'])).stdout);
    const origin = `http://127.0.0.1:${port}`;

    const token = ((await (
      await fetch(`${origin}/api/realtime/token`, {
        method: 'POST',
        headers: { Authorization: `apikey ${serverApiKey}`, 'Content-Type': 'application/json' },
        body: '{"userId":"sam"}',
      })
    ).json()) as { token: string }).token;
    const client = new Centrifuge(`ws://127.0.0.1:${port}/realtime/connection/websocket`, { websocket: WebSocket, token });
    const connected = nextEvent(client, 'connected');
    client.connect();
    await connected;
    const lostConnection = nextEvent(client, 'connecting', 10_000);

    // A publish whose body is still arriving when SIGTERM lands: it must still be answered.
    const body = JSON.stringify({ channel: 'public:shutdown', data: { bye: true } });
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${origin}/api/realtime/publish`, {
        method: 'POST',
        headers: { Authorization: `apikey ${serverApiKey}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 500);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exited = server.stop('SIGTERM');

    expect(await inFlight).toBe(200);
    await lostConnection; // the proxied socket was closed by the shutdown
    client.disconnect();
    expect(await exited).toBe('SIGTERM');
    await expect(fetch(`${origin}/health/live`)).rejects.toThrow();
  }, 60_000);
});
