import { request as httpRequest } from 'node:http';
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { freePort } from '../src/platform/ports';
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

  /** The service as `npm run start:prod` runs it, wired to this spec's engine. */
  const startServer = (env: Record<string, string> = {}) =>
    startEntry(
      'main.js',
      {
        PORT: String(port),
        CENTRIFUGO_UPSTREAM_URL: engine.url,
        CENTRIFUGO_API_KEY: ENGINE_API_KEY,
        CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: TEST_SECRET,
        LOG_LEVEL: 'info',
        ...env,
      },
      /Nest application successfully started/,
    );

  /** A centrifuge-js client connected through the server's /realtime with a token for `userId`. */
  const connectedClient = async (serverApiKey: string, userId: string) => {
    const minted = await fetch(`http://127.0.0.1:${port}/api/realtime/token`, {
      method: 'POST',
      headers: { Authorization: `apikey ${serverApiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    const { token } = (await minted.json()) as { token: string };
    const client = new Centrifuge(`ws://127.0.0.1:${port}/realtime/connection/websocket`, { websocket: WebSocket, token });
    const connected = nextEvent(client, 'connected');
    client.connect();
    await connected;
    return client;
  };

  it('finishes an in-flight request, closes proxied WebSockets and exits', async () => {
    const server = await startServer();
    const { serverApiKey } = JSON.parse((await runCli(['projects', 'create', '--name', 'Shutdown', '--unrestricted', '--json'])).stdout);
    const origin = `http://127.0.0.1:${port}`;

    const client = await connectedClient(serverApiKey, 'sam');
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

  it('fails no request of a token load behind a balancer that follows readiness, and closes the proxied sockets', async () => {
    const server = await startServer({ SHUTDOWN_DRAIN_MS: '1000' });
    const { serverApiKey } = JSON.parse((await runCli(['projects', 'create', '--name', 'Shutdown under load', '--json'])).stdout);
    const origin = `http://127.0.0.1:${port}`;
    const mint = () =>
      new Promise<number>((resolve, reject) => {
        // A connection per request: a request either reaches the server (and must be answered) or is refused.
        const req = httpRequest(`${origin}/api/realtime/token`, {
          method: 'POST',
          agent: false,
          headers: { Authorization: `apikey ${serverApiKey}`, 'Content-Type': 'application/json', Connection: 'close' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{"userId":"load"}');
      });

    const sockets = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const client = await connectedClient(serverApiKey, 'ws');
        return { client, lost: nextEvent(client, 'connecting', 10_000) };
      }),
    );

    // The balancer: it sends requests while readiness answers 200, as Kubernetes' endpoints do (polled every 100 ms).
    let routed = true;
    const balancer = (async () => {
      while (routed) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        routed = await fetch(`${origin}/health/ready`).then(
          (response) => response.ok,
          () => false,
        );
      }
    })();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const loops = Array.from({ length: 8 }, async () => {
      while (routed) {
        try {
          const status = await mint();
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        } catch (error) {
          failures.push((error as NodeJS.ErrnoException).code ?? String(error));
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const exited = server.stop('SIGTERM');
    await Promise.all([balancer, ...loops]);
    await Promise.all(sockets.map(({ lost }) => lost));
    for (const { client } of sockets) client.disconnect();
    expect(await exited).toBe('SIGTERM');

    process.stderr.write(`SIGTERM during a token load: ${JSON.stringify(Object.fromEntries(statuses))}, ${failures.length} failed\n`);
    expect(failures).toEqual([]);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(50);
  }, 60_000);
});
