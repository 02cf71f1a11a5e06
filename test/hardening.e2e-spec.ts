import { connect } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import WebSocket from 'ws';
import { ProjectsService } from '../src/domain/projects/projects.service';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { createProject, createTestApp, TEST_PROXY_SECRET } from './support/app';
import { generateApiKey } from '../src/domain/projects/api-key';
import { ProjectChanges } from '../src/domain/projects/project-changes';
import { ProjectsRepository } from '../src/domain/projects/projects.repository';
import { freePort } from '../src/platform/ports';
import { describeWithEngine, startTestEngine, TestEngine } from './support/engine';
import { startRecordingUpstream } from './support/recording-upstream';
import { describeWithRedis, TEST_REDIS_URL } from './support/redis';

/** What a hostile or careless caller meets: limits, input checks, headers, timeouts. */

const mint = (app: NestExpressApplication, key: string, headers: Record<string, string> = {}) =>
  request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', `apikey ${key}`).set(headers).send({ userId: 'u' });

describe('rate limits per project', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    // 180 per minute in 1 s windows: 3 requests per window, so that a test can wait a window out.
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '180', RATE_LIMIT_WINDOW_SECONDS: '1' } });
  });
  afterAll(() => app.close());

  it('answers 429 past the limit, with Retry-After and the IETF RateLimit fields, and recovers after the window', async () => {
    const { serverApiKey } = await createProject(app, 'Busy');
    const first = await mint(app, serverApiKey).expect(200);
    expect(first.headers['ratelimit-policy']).toBe('"project";q=3;w=1');
    expect(first.headers['ratelimit']).toMatch(/^"project";r=2;t=[01]$/);
    await mint(app, serverApiKey).expect(200);
    await mint(app, serverApiKey).expect(200);
    const refused = await mint(app, serverApiKey).expect(429);
    expect(refused.body).toEqual({
      statusCode: 429,
      error: expect.stringMatching(/^Rate limit exceeded: project "busy(-\d+)?" may make 3 requests per 1 s; retry in 1 s\.$/),
    });
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['ratelimit']).toMatch(/^"project";r=0;t=1$/);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await mint(app, serverApiKey).expect(200);
  });

  it('counts each project on its own: A at its limit does not slow B', async () => {
    const a = await createProject(app, 'Greedy');
    const b = await createProject(app, 'Modest');
    for (let i = 0; i < 3; i++) await mint(app, a.serverApiKey).expect(200);
    await mint(app, a.serverApiKey).expect(429);
    await mint(app, b.serverApiKey).expect(200);
  });

  it("applies a project's own limit (set with the CLI's service) instead of the default", async () => {
    const { projectId, serverApiKey } = await createProject(app, 'Premium');
    await app.get(ProjectsService).updateProject(CLI_ACTOR, projectId, { rateLimitPerMinute: 600 }); // 10 per 1 s window
    await new Promise((resolve) => setTimeout(resolve, 100)); // the change reaches the key cache
    for (let i = 0; i < 10; i++) await mint(app, serverApiKey).expect(200);
    await mint(app, serverApiKey).expect(429);
  });

  it('counts every key and route of a project together', async () => {
    const { projectId, serverApiKey } = await createProject(app, 'Two keys');
    const { key: second } = await app.get(ProjectsService).createKey(CLI_ACTOR, projectId, 'server');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await mint(app, serverApiKey).expect(200);
    await mint(app, second).expect(200);
    await request(app.getHttpServer())
      .post('/api/realtime/subscription-token')
      .set('Authorization', `apikey ${second}`)
      .send({ userId: 'u', channel: 'public:x' })
      .expect(200);
    await mint(app, serverApiKey).expect(429);
  });

  it('does not limit health probes', async () => {
    for (let i = 0; i < 10; i++) await request(app.getHttpServer()).get('/health/live').expect(200);
  });
});

describe('failed authentication per client address', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3', TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => app.close());

  const from = (address: string) => ({ 'X-Forwarded-For': address });

  it('answers 429 after too many failures from one address, before looking at the key, and not to other addresses', async () => {
    const { serverApiKey } = await createProject(app, 'Guessed at');
    for (let i = 0; i < 3; i++) await mint(app, `xs_sk_guess${i}`, from('203.0.113.7')).expect(401);
    const blocked = await mint(app, 'xs_sk_guess4', from('203.0.113.7')).expect(429);
    expect(blocked.body.error).toMatch(/^Too many failed authentications from this address; retry in \d+ s\.$/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Even a valid key from that address waits, when this instance has not accepted it before; other
    // addresses are not affected.
    await mint(app, serverApiKey, from('203.0.113.7')).expect(429);
    await mint(app, serverApiKey, from('198.51.100.9')).expect(200);
  });

  it('counts each attempt before its lookup: 50 concurrent wrong keys from one address cost at most 3 lookups', async () => {
    const lookups = jest.spyOn(app.get(ProjectsRepository), 'getKeyByHash');
    try {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async () => (await mint(app, generateApiKey('server').key, from('203.0.113.20'))).status),
      );
      expect(statuses.filter((status) => status === 401)).toHaveLength(3);
      expect(statuses.filter((status) => status === 429)).toHaveLength(47);
      expect(lookups.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      lookups.mockRestore();
    }
  });

  it('still accepts from a blocked address a valid key this instance accepted before (a shared egress), but no key it does not know', async () => {
    const { projectId, serverApiKey } = await createProject(app, 'Behind a shared egress');
    const { serverApiKey: neverUsed } = await createProject(app, 'Not yet used');
    await mint(app, serverApiKey, from('203.0.113.30')).expect(200);
    // Every cache is emptied by a change; what the instance knows to be valid outlives that.
    await app.get(ProjectChanges).announce();
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Wrong keys until the address is blocked (the key's own first use counted as one attempt, before its lookup).
    const guesses: number[] = [];
    while (guesses.at(-1) !== 429 && guesses.length < 5)
      guesses.push((await mint(app, `xs_sk_guess${guesses.length}`, from('203.0.113.30'))).status);
    expect(guesses.at(-1)).toBe(429);
    await mint(app, serverApiKey, from('203.0.113.30')).expect(200);
    await mint(app, generateApiKey('server').key, from('203.0.113.30')).expect(429);
    await mint(app, neverUsed, from('203.0.113.30')).expect(429);

    // Once revoked, the key is no way past the block either.
    const [key] = (await app.get(ProjectsService).listKeys(projectId)).filter(({ kind }) => kind === 'server');
    await app.get(ProjectsService).revokeKey(CLI_ACTOR, key.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await mint(app, serverApiKey, from('203.0.113.30')).expect(429);
  });

  it("counts a wrong engine proxy secret as a failure, but answers the engine's right secret from a blocked address", async () => {
    const ask = (secret: string) =>
      request(app.getHttpServer())
        .post('/internal/centrifugo/subscribe')
        .set(from('203.0.113.40'))
        .set('X-Xshathra-Proxy-Secret', secret)
        .send({ channel: 'public:x', meta: { projectId: '00000000-0000-4000-8000-000000000000' } });
    for (let i = 0; i < 3; i++) await ask('wrong').expect(401);
    await ask('wrong').expect(429);
    await mint(app, generateApiKey('server').key, from('203.0.113.40')).expect(429);
    await ask(TEST_PROXY_SECRET).expect(200, { error: { code: 103, message: 'permission denied' } });
  });
});

describe("the engine's subscribe hook, when the engine's address is blocked", () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    // No TRUST_PROXY: the address is the socket's, 127.0.0.1, as for an engine on the same host.
    app = await createTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3' } });
  });
  afterAll(() => app.close());

  it('still answers the engine (its right secret), so that client-side subscriptions keep working', async () => {
    const { projectId, slug } = await createProject(app, 'Subscribed through the hook', null);
    for (let i = 0; i < 3; i++) await mint(app, `xs_sk_guess${i}`).expect(401);
    await mint(app, 'xs_sk_guess4').expect(429);
    await request(app.getHttpServer())
      .post('/internal/centrifugo/subscribe')
      .set('X-Xshathra-Proxy-Secret', TEST_PROXY_SECRET)
      .send({ channel: `public:${slug}.lobby`, meta: { projectId } })
      .expect(200, { result: {} });
  });
});

describe('input the engine could read differently, or that costs too much', () => {
  let app: NestExpressApplication;
  let key: string;

  beforeAll(async () => {
    app = await createTestApp();
    key = (await createProject(app)).serverApiKey;
  });
  afterAll(() => app.close());

  it('refuses info nested 1,500 levels deep (3 KB) with 400', async () => {
    const info = `${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}`;
    const response = await request(app.getHttpServer())
      .post('/api/realtime/token')
      .set('Authorization', `apikey ${key}`)
      .set('Content-Type', 'application/json')
      .send(`{"userId":"u","info":${info}}`)
      .expect(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Invalid request body: info must not be nested more than 16 levels deep.',
      details: ['info must not be nested more than 16 levels deep'],
    });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a %s key with 400 on both token routes, at the top level and inside info (it used to vanish silently)',
    async (name) => {
      for (const [path, body, field] of [
        ['/api/realtime/token', `{"userId":"u","${name}":{"x":1}}`, name],
        ['/api/realtime/token', `{"userId":"u","info":{"a":{"${name}":"x"}}}`, `info.a.${name}`],
        ['/api/realtime/subscription-token', `{"userId":"u","channel":"public:x","${name}":1}`, name],
      ]) {
        const response = await request(app.getHttpServer())
          .post(path)
          .set('Authorization', `apikey ${key}`)
          .set('Content-Type', 'application/json')
          .send(body)
          .expect(400);
        const problem = `"${field}" uses a reserved key name (__proto__, constructor, prototype)`;
        expect(response.body).toEqual({ statusCode: 400, error: `Invalid request body: ${problem}.`, details: [problem] });
      }
    },
  );

  it.each(['"\\ud800"', '"\\udfff"', '"a\\ud800b"'])(
    'refuses the userId %s (lone surrogates would all become U+FFFD in the engine)',
    async (userId) => {
      const response = await request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', `apikey ${key}`)
        .set('Content-Type', 'application/json')
        .send(`{"userId":${userId}}`)
        .expect(400);
      expect(response.body.details).toEqual(['userId must be well-formed Unicode']);
    },
  );
});

describe('security headers and the OpenAPI docs', () => {
  it("sends helmet's headers with a strict CSP", async () => {
    const app = await createTestApp();
    try {
      const response = await request(app.getHttpServer()).get('/health/live').expect(200);
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'self';form-action 'self'",
      );
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      await request(app.getHttpServer()).get('/api/docs').expect(200);
    } finally {
      await app.close();
    }
  });

  it('serves no OpenAPI docs in production unless API_DOCS enables them', async () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: process.env.DATABASE_URL };
    const off = await createTestApp({ env: production });
    const on = await createTestApp({ env: { ...production, API_DOCS: 'true' } });
    try {
      await request(off.getHttpServer()).get('/api/docs').expect(404);
      await request(off.getHttpServer()).get('/api/docs-json').expect(404);
      await request(on.getHttpServer()).get('/api/docs-json').expect(200);
    } finally {
      await off.close();
      await on.close();
    }
  });
});

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

describeWithRedis('rate limits shared through Redis (REDIS_URL)', () => {
  const env = { REDIS_URL: TEST_REDIS_URL!, RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_WINDOW_SECONDS: '5' }; // 5 per 5 s
  let first: NestExpressApplication;
  let second: NestExpressApplication;

  beforeAll(async () => {
    [first, second] = [await createTestApp({ env }), await createTestApp({ env })];
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it("holds a project's limit across instances", async () => {
    const { serverApiKey } = await createProject(first, 'Shared counters');
    for (const app of [first, second, first, second, first]) await mint(app, serverApiKey).expect(200);
    await mint(second, serverApiKey).expect(429);
    await mint(first, serverApiKey).expect(429);
  });

  it('keeps serving, counting per instance, when Redis does not answer', async () => {
    const app = await createTestApp({ env: { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
    try {
      const { serverApiKey } = await createProject(app, 'Redis away');
      for (let i = 0; i < 5; i++) await mint(app, serverApiKey).expect(200);
      await mint(app, serverApiKey).expect(429);
    } finally {
      await app.close();
    }
  });
});
