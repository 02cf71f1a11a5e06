import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createProject, createTestApp } from './support/app';
import { describeWithEngine, ENGINE_API_KEY, startEngineAndApp, TestEngine } from './support/engine';
import { startSilentUpstream } from './support/silent-upstream';

describeWithEngine('POST /api/realtime/publish', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let auth: string;

  beforeAll(async () => {
    ({ engine, app, auth } = await startEngineAndApp('Publisher', { listen: false }));
  });
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  const publish = (body: unknown) =>
    request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', auth)
      .send(body as object);

  it("forwards the spec example and returns the engine's answer", async () => {
    const response = await publish({ channel: 'public:lobby', data: { type: 'ping', at: '2026-03-30T12:00:00.000Z' } }).expect(200);
    expect(response.body).toEqual({ result: { offset: expect.any(Number), epoch: expect.any(String) } });
  });

  it("passes the engine's own error through unchanged (unknown namespace → 200 with error 102)", async () => {
    const response = await publish({ channel: 'nowhere:lobby', data: {} }).expect(200);
    expect(response.body).toEqual({ error: { code: 102, message: 'unknown channel' } });
  });

  it('passes optional Centrifugo fields to the engine (idempotency_key de-duplicates)', async () => {
    const body = { channel: 'public:idem', data: { n: 1 }, idempotency_key: 'once' };
    const first = await publish(body).expect(200);
    const second = await publish(body).expect(200);
    expect(second.body).toEqual(first.body);
  });

  it('requires a server key (401)', async () => {
    const response = await request(app.getHttpServer()).post('/api/realtime/publish').send({ channel: 'public:a', data: {} }).expect(401);
    expect(response.body.statusCode).toBe(401);
  });

  it.each([
    ['no channel', { data: {} }, ['channel must be a non-empty string']],
    ['a numeric channel', { channel: 5, data: {} }, ['channel must be a non-empty string']],
    ['an empty channel', { channel: '', data: {} }, ['channel must be a non-empty string']],
    ['no data', { channel: 'public:a' }, ['data is required']],
    ['neither', { foo: 1 }, ['channel must be a non-empty string', 'data is required']],
    ['a 256-character channel', { channel: `public:${'x'.repeat(249)}`, data: {} }, ['channel must be at most 255 characters']],
    ['a 10,000-character channel', { channel: `public:${'x'.repeat(9993)}`, data: {} }, ['channel must be at most 255 characters']],
  ])('rejects a body with %s with 400', async (_case, body, details) => {
    const response = await publish(body).expect(400);
    expect(response.body).toEqual({ statusCode: 400, error: `Invalid request body: ${details.join('; ')}.`, details });
  });

  const engineHistory = async (channel: string) => {
    const response = await fetch(`${engine.url}/api/history`, {
      method: 'POST',
      headers: { 'X-API-Key': ENGINE_API_KEY },
      body: JSON.stringify({ channel, limit: 10 }),
    });
    return ((await response.json()) as { result: { publications?: Array<{ data: unknown }> } }).result.publications ?? [];
  };

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a top-level %s key with 400 and forwards nothing', async (name) => {
    const channel = `public:reserved-${name}`;
    const response = await request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(`{"channel":"${channel}","data":{},"${name}":{"channel":"private:other"}}`)
      .expect(400);
    const problem = `"${name}" uses a reserved key name (__proto__, constructor, prototype)`;
    expect(response.body).toEqual({ statusCode: 400, error: `Invalid request body: ${problem}.`, details: [problem] });
    expect(await engineHistory(channel)).toEqual([]);
  });

  it("forwards the same names inside data unchanged: the payload is the application's, never read here", async () => {
    const data = '{"constructor":"Ferrari","prototype":1,"__proto__":{"x":2}}';
    await request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(`{"channel":"public:reserved-in-data","data":${data}}`)
      .expect(200);
    expect((await engineHistory('public:reserved-in-data')).map((publication) => publication.data)).toEqual([JSON.parse(data)]);
  });

  it('accepts a channel of exactly 255 characters, the limit the token routes apply', async () => {
    const response = await publish({ channel: `public:${'x'.repeat(248)}`, data: {} }).expect(200);
    expect(response.body).toEqual({ result: { offset: 1, epoch: expect.any(String) } });
  });

  it('rejects a body that is not a JSON object, and invalid JSON, with 400', async () => {
    await publish(['public:a']).expect(400);
    await request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{"channel":')
      .expect(400);
  });

  it('rejects a form-encoded body with 415 telling the caller to send JSON', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', auth)
      .type('form')
      .send('channel=public:a&data=x')
      .expect(415);
    expect(response.body.error).toBe('Send the request body as JSON, with "Content-Type: application/json".');
  });

  it("answers 502 (not 401) when the engine refuses this service's API key", async () => {
    const misconfigured = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: engine.url, CENTRIFUGO_API_KEY: 'wrong-key' } });
    try {
      const key = (await createProject(misconfigured)).serverApiKey;
      const response = await request(misconfigured.getHttpServer())
        .post('/api/realtime/publish')
        .set('Authorization', `apikey ${key}`)
        .send({ channel: 'public:a', data: {} })
        .expect(502);
      expect(response.body.error).toBe("The realtime engine refused this service's API key; check CENTRIFUGO_API_KEY.");
    } finally {
      await misconfigured.close();
    }
  });
});

describe('publish and /realtime without a configured engine', () => {
  it.each([
    [{ CENTRIFUGO_UPSTREAM_URL: undefined, CENTRIFUGO_API_KEY: ENGINE_API_KEY }],
    [{ CENTRIFUGO_UPSTREAM_URL: 'http://127.0.0.1:9', CENTRIFUGO_API_KEY: undefined }],
  ])('answers publish with 503 for %j', async (env) => {
    const app = await createTestApp({ env });
    try {
      const key = (await createProject(app)).serverApiKey;
      const response = await request(app.getHttpServer())
        .post('/api/realtime/publish')
        .set('Authorization', `apikey ${key}`)
        .send({ channel: 'public:a', data: {} })
        .expect(503);
      expect(response.body).toEqual({
        statusCode: 503,
        error: 'Publishing is not configured: set CENTRIFUGO_UPSTREAM_URL and CENTRIFUGO_API_KEY.',
      });
    } finally {
      await app.close();
    }
  });
});

describe('an engine that does not answer', () => {
  it('gets a 504 on publish after ENGINE_TIMEOUT_MS, and a failing engine check in /health', async () => {
    const upstream = await startSilentUpstream();
    const app = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: upstream.url, CENTRIFUGO_API_KEY: 'k', ENGINE_TIMEOUT_MS: '300' } });
    try {
      const key = (await createProject(app)).serverApiKey;
      const started = Date.now();
      const response = await request(app.getHttpServer())
        .post('/api/realtime/publish')
        .set('Authorization', `apikey ${key}`)
        .send({ channel: 'public:a', data: {} })
        .expect(504);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(response.body).toEqual({ statusCode: 504, error: 'The realtime engine did not answer within 300 ms.' });
      const health = await request(app.getHttpServer()).get('/health').expect(503);
      expect(health.body.error.engine.status).toBe('down');
    } finally {
      await app.close();
      await upstream.close();
    }
  });
});
