import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect, promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { AdminKeysService } from '../src/domain/admin-keys/admin-keys.service';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { createProject, createTestApp } from './support/app';
import { describeWithEngine, startEngineAndApp, type TestEngine } from './support/engine';
import { nextEvent } from './support/realtime-client';
import { startSilentUpstream } from './support/silent-upstream';

/*
 * The Node server SDK (sdk/node), as its users run it: its built output (`npm run sdk:build`, part of
 * `pretest`) against the real service and a real Centrifugo, and finally packed, installed and run from a
 * blank project. The SDK is ESM, so it is loaded with import().
 */
type Sdk = typeof import('../sdk/node/src/index');
const ROOT = join(__dirname, '..');
const SDK_DIR = join(ROOT, 'sdk', 'node');
const DOCUMENT = JSON.parse(readFileSync(join(SDK_DIR, 'openapi.json'), 'utf8'));
const run = promisify(execFile);

/** A fetch that counts the attempts the SDK makes. */
function countingFetch() {
  const calls: string[] = [];
  const counted: typeof fetch = (input, init) => {
    calls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch(input, init);
  };
  return { fetch: counted, calls };
}

/** What a thrown value is, for asserting on an expected failure. */
async function failureOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describeWithEngine('Node server SDK (sdk/node)', () => {
  let sdk: Sdk;
  let engine: TestEngine;
  let app: NestExpressApplication;
  let origin: string;
  let serverApiKey: string;
  let adminKey: string;
  const clients: Centrifuge[] = [];

  beforeAll(async () => {
    sdk = (await import(pathToFileURL(join(SDK_DIR, 'dist', 'index.js')).href)) as Sdk;
    // Rate-limit windows of 2 s keep the Retry-After waits short; no key cache, so a new limit applies at once.
    ({ engine, app, serverApiKey } = await startEngineAndApp('SDK', {
      env: { RATE_LIMIT_WINDOW_SECONDS: '2', API_KEY_CACHE_TTL_SECONDS: '0', API_DOCS: 'true' },
    }));
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    adminKey = (await app.get(AdminKeysService).create(CLI_ACTOR, 'SDK spec')).key;
  });
  afterEach(() => clients.splice(0).forEach((client) => client.disconnect()));
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  const server = (options: Partial<ConstructorParameters<Sdk['XshathraServer']>[0]> = {}) =>
    new sdk.XshathraServer({ origin, serverApiKey, ...options });
  const admin = () => new sdk.XshathraAdmin({ origin, adminKey });

  /** A centrifuge-js client connected with a token the SDK minted. */
  const connect = async (token: string) => {
    const port = new URL(origin).port;
    const client = new Centrifuge(`ws://127.0.0.1:${port}/realtime/connection/websocket`, { websocket: WebSocket, token });
    clients.push(client);
    const connected = nextEvent(client, 'connected');
    client.connect();
    await connected;
    return client;
  };

  it('serves the very OpenAPI document the SDK types were generated from', async () => {
    const served = await (await fetch(`${origin}/api/docs-json`)).json();
    expect(served).toEqual(DOCUMENT);
  });

  describe('server API', () => {
    it('mints tokens that the engine accepts, and subscription tokens', async () => {
      const minted = await server().createToken({ userId: 'ada', ttlSeconds: 60, info: { name: 'Ada' }, channels: ['public:sdk.lobby'] });
      expect(minted).toEqual({ token: expect.any(String), expiresInSeconds: 60 });
      await connect(minted.token);

      const subscription = await server().createSubscriptionToken({ userId: 'ada', channel: 'private:sdk.room' });
      expect(subscription).toEqual({ token: expect.any(String), channel: 'private:sdk.room', expiresInSeconds: 900 });
      const claims = JSON.parse(Buffer.from(subscription.token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ sub: 'ada', channel: 'private:sdk.room' });
    });

    it('publishes to a subscriber, broadcasts, and reads presence, stats, history and the active channels', async () => {
      const { token } = await server().createToken({ userId: 'bob', info: { seat: 7 }, channels: ['public:sdk.news'] });
      const client = await connect(token);
      const delivered = nextEvent(client, 'publication', 5000, (ctx: any) => ctx.channel === 'public:sdk.news');

      const published = await server().publish({ channel: 'public:sdk.news', data: { headline: 'hi' }, tags: { kind: 'news' } });
      expect(published).toEqual({ offset: expect.any(Number), epoch: expect.any(String) });
      expect((await delivered).data).toEqual({ headline: 'hi' });

      const broadcast = await server().broadcast({ channels: ['public:sdk.news', 'public:sdk.other'], data: { all: true } });
      expect(broadcast.responses).toHaveLength(2);
      expect(broadcast.responses[0].result).toEqual({ offset: published.offset! + 1, epoch: published.epoch });

      const presence = await server().presence({ channel: 'public:sdk.news' });
      expect(Object.values(presence.presence ?? {})).toEqual([expect.objectContaining({ user: 'bob', conn_info: { seat: 7 } })]);
      expect(await server().presenceStats({ channel: 'public:sdk.news' })).toEqual({ num_clients: 1, num_users: 1 });

      const history = await server().history({ channel: 'public:sdk.news', limit: 10 });
      expect(history.publications?.map((publication) => publication.data)).toEqual([{ headline: 'hi' }, { all: true }]);
      expect(history.epoch).toBe(published.epoch);

      const channels = await server().channels();
      expect(channels.truncated).toBe(false);
      expect(channels.channels['public:sdk.news']).toEqual({ num_clients: 1 });
    });

    it("throws the engine's own refusal as an XshathraError of kind engine", async () => {
      const error = await failureOf(server().publish({ channel: 'nonamespace:sdk.x', data: {} }));
      expect(error).toBeInstanceOf(sdk.XshathraError);
      expect(error).toMatchObject({ kind: 'engine', status: 200, code: 102, error: 'unknown channel' });
    });

    it('counts, lists and disconnects live connections', async () => {
      const { token } = await server().createToken({ userId: 'cy' });
      const client = await connect(token);
      expect(await server().connections()).toEqual({ connections: expect.any(Number), users: expect.any(Number) });
      const { connections } = await server().connections({ userId: 'cy' });
      expect(connections).toEqual([expect.objectContaining({ clientId: expect.any(String) })]);
      const disconnected = nextEvent(client, 'disconnected', 5000);
      expect(await server().disconnect({ userId: 'cy' })).toEqual({ disconnected: 1 });
      await disconnected;
    });
  });

  describe('admin API', () => {
    it('creates, lists, reads, changes, disables and enables projects, manages their keys, and pages through the audit log', async () => {
      const created = await admin().projects.create({ name: 'SDK Admin', channels: ['*:sdkadmin.*'] });
      const { project } = created;
      expect(created.serverApiKey).toMatch(/^xs_sk_/);
      expect(project).toMatchObject({ name: 'SDK Admin', channels: ['*:sdkadmin.*'], rateLimitPerMinute: null, disabledAt: null });

      // The admin view of one project carries its live counts as well.
      expect(await admin().projects.get(project.id)).toEqual({ ...project, connections: 0, users: 0 });
      const page = await admin().projects.list({ pageSize: 100 });
      expect(page.projects.map((listed) => listed.id)).toContain(project.id);

      const updated = await admin().projects.update(project.id, { name: 'SDK Admin 2', rateLimitPerMinute: 1000 });
      expect(updated).toMatchObject({ name: 'SDK Admin 2', rateLimitPerMinute: 1000 });
      expect((await admin().projects.disable(project.id)).disabledAt).toEqual(expect.any(String));
      const ownServer = new sdk.XshathraServer({ origin, serverApiKey: created.serverApiKey });
      expect(await failureOf(ownServer.createToken({ userId: 'u' }))).toMatchObject({ status: 401 });
      expect((await admin().projects.enable(project.id)).disabledAt).toBeNull();
      await ownServer.createToken({ userId: 'u' });
      expect(await admin().projects.disconnect(project.id)).toEqual({ disconnected: 0 });
      expect(await admin().projects.debugFeed(project.id)).toMatchObject({
        channel: `xshathra:debug.${project.id}`,
        websocketPath: '/realtime/connection/websocket',
        expiresInSeconds: 600,
      });

      const key = await admin().keys.create(project.id, 'server');
      expect(key.key).toMatch(/^xs_sk_/);
      expect((await admin().keys.list(project.id)).map((listed) => listed.id)).toContain(key.apiKey.id);
      expect((await admin().keys.revoke(project.id, key.apiKey.id)).revokedAt).toEqual(expect.any(String));

      const pages = [];
      for await (const auditPage of admin().audit.pages({ projectId: project.id, pageSize: 2 })) pages.push(auditPage);
      const actions = pages.flatMap((auditPage) => auditPage.entries.map((entry) => entry.action));
      expect(pages.length).toBe(Math.ceil(pages[0].total / 2));
      expect(actions).toHaveLength(pages[0].total);
      expect(actions).toEqual(expect.arrayContaining(['project.create', 'key.revoke']));
      const entries = [];
      for await (const entry of admin().audit.entries({ projectId: project.id, pageSize: 2 })) entries.push(entry.action);
      expect(entries).toEqual(actions);
    });
  });

  describe('errors', () => {
    it('maps 400, 401, 403, 404 and 409 to XshathraError with the service message and the request id', async () => {
      const invalid = await failureOf(server().createToken({ userId: 'u', ttlSeconds: 5 }, { requestId: 'sdk-spec-400' }));
      expect(invalid).toBeInstanceOf(sdk.XshathraError);
      expect(invalid).toMatchObject({
        kind: 'http',
        status: 400,
        error: expect.stringContaining('ttlSeconds must be an integer between 30 and 3600'),
        details: ['ttlSeconds must be an integer between 30 and 3600'],
        requestId: 'sdk-spec-400',
      });

      const unauthorized = await failureOf(server({ serverApiKey: 'xs_sk_not-a-real-key-at-all' }).createToken({ userId: 'u' }));
      expect(unauthorized).toMatchObject({ status: 401, error: expect.stringContaining('Invalid API key'), requestId: expect.any(String) });

      const restricted = await createProject(app, 'SDK Restricted', ['*:sdkrestricted.*']);
      const forbidden = await failureOf(
        server({ serverApiKey: restricted.serverApiKey }).publish({ channel: 'public:elsewhere', data: 1 }),
      );
      expect(forbidden).toMatchObject({ status: 403, error: expect.stringContaining('not allowed') });

      const missing = await failureOf(admin().projects.get('00000000-0000-4000-8000-000000000000'));
      expect(missing).toMatchObject({ status: 404 });

      const overlapping = await failureOf(admin().projects.create({ name: 'SDK Overlap', channels: ['*:sdkrestricted.*'] }));
      expect(overlapping).toMatchObject({ status: 409, error: expect.stringContaining('overlap') });
    });

    it('maps 503, and retries it with backoff only when a repeat is safe', async () => {
      const unconfigured = await createTestApp(); // no engine configured: publishing answers 503
      try {
        await unconfigured.listen(0, '127.0.0.1');
        const { serverApiKey: key } = await createProject(unconfigured, 'SDK 503');
        const counting = countingFetch();
        const client = new sdk.XshathraServer({
          origin: `http://127.0.0.1:${(unconfigured.getHttpServer().address() as { port: number }).port}`,
          serverApiKey: key,
          fetch: counting.fetch,
        });
        const refused = await failureOf(client.publish({ channel: 'public:x', data: 1 }));
        expect(refused).toMatchObject({ kind: 'http', status: 503, error: expect.stringContaining('not configured') });
        expect(counting.calls).toHaveLength(1);

        counting.calls.length = 0;
        await failureOf(client.presence({ channel: 'public:x' }));
        expect(counting.calls).toHaveLength(3); // the first attempt and 2 retries (the default)
      } finally {
        await unconfigured.close();
      }
    });

    describe('the rate limit (429)', () => {
      let limited: { id: string; key: string };

      beforeAll(async () => {
        // 30 a minute is 1 per 2-second window.
        const created = await admin().projects.create({ name: 'SDK Limited', channels: ['*:sdklimited.*'], rateLimitPerMinute: 30 });
        limited = { id: created.project.id, key: created.serverApiKey };
      });

      /** Spends the window's one request, so that the next call gets 429. */
      const exhaust = async () => {
        for (;;) {
          const response = await fetch(`${origin}/api/realtime/token`, {
            method: 'POST',
            headers: { authorization: `apikey ${limited.key}`, 'content-type': 'application/json' },
            body: '{"userId":"u"}',
          });
          if (response.status === 429) return Number(response.headers.get('retry-after'));
        }
      };

      it('maps 429 with retryAfter when retries are off', async () => {
        await exhaust();
        const client = new sdk.XshathraServer({ origin, serverApiKey: limited.key, retries: 0 });
        const error = await failureOf(client.createToken({ userId: 'u' }));
        expect(error).toMatchObject({
          kind: 'http',
          status: 429,
          retryAfter: expect.any(Number),
          error: expect.stringContaining('Rate limit'),
        });
        expect(error.retryAfter).toBeGreaterThanOrEqual(1);
      });

      it('waits Retry-After and succeeds, but never retries a publish without idempotency_key', async () => {
        const counting = countingFetch();
        const client = new sdk.XshathraServer({ origin, serverApiKey: limited.key, fetch: counting.fetch });

        const retryAfter = await exhaust();
        let started = Date.now();
        await client.createToken({ userId: 'u' });
        expect(counting.calls.length).toBeGreaterThanOrEqual(2);
        expect(Date.now() - started).toBeGreaterThanOrEqual(retryAfter * 1000 - 1000);

        await exhaust();
        counting.calls.length = 0;
        started = Date.now();
        const refused = await failureOf(client.publish({ channel: 'public:sdklimited.x', data: 1 }));
        expect(refused).toMatchObject({ status: 429 });
        expect(counting.calls).toHaveLength(1);
        expect(Date.now() - started).toBeLessThan(900);

        await exhaust();
        counting.calls.length = 0;
        expect(await client.publish({ channel: 'public:sdklimited.x', data: 2, idempotency_key: 'sdk-spec-1' })).toEqual({
          offset: expect.any(Number),
          epoch: expect.any(String),
        });
        expect(counting.calls.length).toBeGreaterThanOrEqual(2);
      });
    });

    it('times out against a silent upstream, and stops when the caller aborts', async () => {
      const silent = await startSilentUpstream();
      try {
        const client = new sdk.XshathraServer({ origin: silent.url, serverApiKey, timeoutMs: 300 });
        let started = Date.now();
        const timedOut = await failureOf(client.createToken({ userId: 'u' }, { requestId: 'sdk-spec-timeout' }));
        expect(timedOut).toMatchObject({ kind: 'timeout', status: 0, requestId: 'sdk-spec-timeout' });
        expect(Date.now() - started).toBeLessThan(3000);

        started = Date.now();
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 100);
        const aborted = await failureOf(client.presence({ channel: 'public:x' }, { signal: controller.signal, timeoutMs: 10_000 }));
        expect(aborted).toMatchObject({ kind: 'aborted', status: 0 });
        expect(Date.now() - started).toBeLessThan(3000);
      } finally {
        await silent.close();
      }
    });

    it('never shows the key: not in a message, toString(), JSON, inspect() or any enumerable field, even when a server echoes it', async () => {
      const key = 'xs_sk_this-key-must-never-leak-0123456789';
      // A server that answers 400 quoting the Authorization header it received.
      const echo: Server = createServer((request, response) => {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ statusCode: 400, error: `Bad ${request.headers.authorization}`, details: [`${request.headers.authorization}`] }),
        );
      });
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      const silent = await startSilentUpstream();
      try {
        const echoOrigin = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
        const clients = [
          new sdk.XshathraServer({ origin, serverApiKey: key }), // 401
          new sdk.XshathraServer({ origin: echoOrigin, serverApiKey: key }), // 400 quoting it
          new sdk.XshathraServer({ origin: silent.url, serverApiKey: key, timeoutMs: 200 }), // timeout
          new sdk.XshathraServer({ origin: 'http://127.0.0.1:1', serverApiKey: key }), // connection refused
        ];
        const errors = await Promise.all(clients.map((client) => failureOf(client.createToken({ userId: 'u' }))));
        expect(errors.map((error) => error.kind)).toEqual(['http', 'http', 'timeout', 'network']);
        expect(errors[1].error).toBe('Bad apikey [redacted]');
        for (const error of errors) {
          expect(error).toBeInstanceOf(sdk.XshathraError);
          for (const text of [
            error.message,
            String(error),
            error.stack,
            JSON.stringify(error),
            inspect(error, { depth: 10, showHidden: true }),
          ]) {
            expect(text).not.toContain('never-leak');
          }
          expect(JSON.stringify(Object.values(error))).not.toContain('never-leak');
        }
        for (const client of clients) {
          expect(inspect(client, { depth: 10, showHidden: true })).not.toContain('never-leak');
          expect(JSON.stringify(client)).not.toContain('never-leak');
        }
        expect(() => new sdk.XshathraServer({ origin, serverApiKey: 'xs_sk_two words never-leak' })).toThrow(
          'serverApiKey must be printable ASCII without spaces',
        );
      } finally {
        await silent.close();
        await new Promise((resolve) => echo.close(resolve));
      }
    });
  });

  it('runs examples/server-sdk.mjs as its comment says', async () => {
    const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'node'), [join(ROOT, 'examples', 'server-sdk.mjs')], {
      env: { ...process.env, XSHATHRA_ORIGIN: origin, XSHATHRA_SERVER_API_KEY: serverApiKey, XSHATHRA_CHANNEL: 'public:sdk.example' },
    });
    expect(stdout).toContain('connection token for example-user, valid 900 s');
    expect(stdout).toMatch(/published to public:sdk\.example at offset \d+/);
    expect(stdout).toContain('latest publications: [{"text":"hello from the SDK"}]');
    expect(stdout).toContain('subscribed now: 0 connections of 0 users');
  });

  it('packs, installs into a blank project, type-checks and mints a token there on Node 24', async () => {
    const packDir = mkdtempSync(join(tmpdir(), 'xshathra-sdk-pack-'));
    await run('npm', ['pack', '--pack-destination', packDir], { cwd: SDK_DIR });
    const tarball = join(
      packDir,
      readdirSync(packDir).find((name) => name.endsWith('.tgz'))!,
    );

    const project = mkdtempSync(join(tmpdir(), 'xshathra-sdk-sample-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sample', private: true, type: 'module' }));
    await run('npm', ['install', tarball, '--no-audit', '--no-fund'], { cwd: project });
    writeFileSync(
      join(project, 'sample.mjs'),
      [
        "import { XshathraServer } from '@xshathra/server';",
        'const server = new XshathraServer({ origin: process.env.ORIGIN, serverApiKey: process.env.KEY });',
        "const { token, expiresInSeconds } = await server.createToken({ userId: 'sample-user' });",
        'console.log(JSON.stringify({ token, expiresInSeconds }));',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'typed.ts'),
      [
        "import { XshathraServer, XshathraError, type PublishRequest, type TokenResponse } from '@xshathra/server';",
        "const server = new XshathraServer({ origin: 'https://realtime.example.com', serverApiKey: 'xs_sk_x' });",
        "const minted: Promise<TokenResponse> = server.createToken({ userId: 'u', ttlSeconds: 60 });",
        "const request: PublishRequest = { channel: 'public:x', data: { any: 'json' }, idempotency_key: 'k' };",
        'export { minted, request, XshathraError };',
      ].join('\n'),
    );
    const sample = await run(join(ROOT, 'node_modules', '.bin', 'node'), ['sample.mjs'], {
      cwd: project,
      env: { ...process.env, ORIGIN: origin, KEY: serverApiKey },
    });
    const output = JSON.parse(sample.stdout);
    expect(output).toEqual({ token: expect.any(String), expiresInSeconds: 900 });
    expect(JSON.parse(Buffer.from(output.token.split('.')[1], 'base64url').toString()).sub).toBe('sample-user');

    const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
    await run(
      tsc,
      [
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--lib',
        'es2022,dom',
        'typed.ts',
      ],
      {
        cwd: project,
      },
    );
  }, 180_000);
});
