import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { ProjectChanges } from '../src/domain/projects/project-changes';
import { ProjectsService } from '../src/domain/projects/projects.service';
import { createProject, createTestApp } from './support/app';
import { describeWithEngine, startEngineAndApp, TestEngine } from './support/engine';
import { ClientPool, nextEvent, wsUrl } from './support/realtime-client';

const METRICS_TOKEN = 'metrics-scrape-token-for-the-tests';

/** The value of one series in Prometheus' text format: the line named `name` carrying all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describeWithEngine('Prometheus metrics at /metrics', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  const clients = new ClientPool();

  beforeAll(async () => {
    ({ engine, app } = await startEngineAndApp('Metrics host', { env: { METRICS_TOKEN } }));
  });
  afterAll(async () => {
    clients.closeAll();
    await app?.close();
    await engine?.stop();
  });

  const http = () => request(app.getHttpServer());
  const scrape = async () =>
    (
      await http()
        .get('/metrics')
        .set('Authorization', `Bearer ${METRICS_TOKEN}`)
        .expect(200)
        .expect('Content-Type', /text\/plain/)
    ).text;

  it('shows per-project series, latency, engine calls, proxied sockets, the key cache and the database pool after traffic', async () => {
    const { serverApiKey, slug, projectId } = await createProject(app, 'Measured', null);
    const auth = `apikey ${serverApiKey}`;
    for (let i = 0; i < 3; i++) await http().post('/api/realtime/token').set('Authorization', auth).send({ userId: 'u' }).expect(200);
    await http()
      .post('/api/realtime/subscription-token')
      .set('Authorization', auth)
      .send({ userId: 'u', channel: `private:${slug}.room` })
      .expect(200);
    for (let i = 0; i < 2; i++)
      await http()
        .post('/api/realtime/publish')
        .set('Authorization', auth)
        .send({ channel: `public:${slug}.news`, data: { i } })
        .expect(200);
    await http()
      .post('/api/realtime/publish')
      .set('Authorization', auth)
      .send({ channel: 'public:someone-else.news', data: {} })
      .expect(403);
    await http().post('/api/realtime/token').set('Authorization', 'apikey xs_sk_wrong').send({ userId: 'u' }).expect(401);

    // Once this instance has heard of the change (its key cache then holds the new limit), the next request is refused.
    const heard = new Promise<void>((resolve) => app.get(ProjectChanges).onChange(resolve));
    await app.get(ProjectsService).updateProject(CLI_ACTOR, projectId, { rateLimitPerMinute: 1 });
    await heard;
    for (
      let i = 0;
      i < 50 && (await http().post('/api/realtime/token').set('Authorization', auth).send({ userId: 'u' })).status !== 429;
      i++
    );

    const token = (
      await http()
        .post('/api/realtime/token')
        .set('Authorization', `apikey ${(await createProject(app, 'Socket owner')).serverApiKey}`)
        .send({ userId: 'w' })
        .expect(200)
    ).body.token;
    const client = clients.create(wsUrl(app.getHttpServer()), { token });
    const connected = nextEvent(client, 'connected');
    client.connect();
    await connected;

    const text = await scrape();
    expect(sample(text, 'xshathra_tokens_minted_total', { project: slug, kind: 'connection' })).toBe(3);
    expect(sample(text, 'xshathra_tokens_minted_total', { project: slug, kind: 'subscription' })).toBe(1);
    expect(sample(text, 'xshathra_publishes_total', { project: slug })).toBe(2);
    expect(sample(text, 'xshathra_http_client_errors_total', { project: slug, status: '403' })).toBe(1);
    expect(sample(text, 'xshathra_http_client_errors_total', { project: slug, status: '429' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'xshathra_rate_limited_total', { project: slug })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'xshathra_http_client_errors_total', { project: '', status: '401' })).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'xshathra_http_request_duration_seconds_count', { method: 'POST', route: '/api/realtime/publish', status: '200' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'xshathra_engine_requests_total', { operation: 'publish', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'xshathra_engine_request_duration_seconds_count', { operation: 'publish' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'xshathra_proxied_websockets')).toBe(1);
    expect(sample(text, 'xshathra_key_cache_lookups_total', { result: 'hit' })).toBeGreaterThan(0);
    expect(sample(text, 'xshathra_key_cache_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
    expect(sample(text, 'xshathra_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // A route label is the pattern, never a raw URL.
    expect(text).not.toContain('someone-else');

    client.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sample(await scrape(), 'xshathra_proxied_websockets')).toBe(0);
  });

  it('labels unknown paths `unmatched` and proxied ones `/realtime/*`, never a catch-all pattern or a raw URL', async () => {
    await http().get('/no-such-route/4711').expect(404);
    await http().get('/realtime/no-such-engine-path').expect(404);
    await http().get('/realtime/health').expect(200);
    const text = await scrape();
    const count = (route: string, status: string) =>
      sample(text, 'xshathra_http_request_duration_seconds_count', { method: 'GET', route, status });
    expect(count('unmatched', '404')).toBeGreaterThanOrEqual(1);
    expect(count('/realtime/*', '404')).toBeGreaterThanOrEqual(1);
    expect(count('/realtime/*', '200')).toBeGreaterThanOrEqual(1);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1]));
    expect([...routes].filter((route) => route.includes('*') && route !== '/realtime/*')).toEqual([]);
    expect(text).not.toContain('4711');
  });

  it('answers only the metrics token', async () => {
    expect((await http().get('/metrics').expect(401)).body).toEqual({ statusCode: 401, error: 'Missing or wrong metrics token.' });
    await http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}x`).expect(401);
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  it('does not exist (404)', async () => {
    const app = await createTestApp({ env: { METRICS_TOKEN: undefined } });
    try {
      await request(app.getHttpServer()).get('/metrics').expect(404);
    } finally {
      await app.close();
    }
  });
});
