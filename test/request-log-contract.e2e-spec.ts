import { randomUUID } from 'node:crypto';
import { freePort } from '../src/platform/ports';
import { TEST_SECRET } from './support/app';
import { runCli, startEntry, type RunningServer } from './support/processes';
import { startRecordingUpstream } from './support/recording-upstream';

/*
 * The request log and the request metrics are public contracts (operators alert and search on them): this spec
 * pins their exact content for the hot routes, so that a change to how they are produced (bench/findings.md)
 * cannot lose or rename a field, a series or a label. It runs the service as `npm run start:prod` does, with
 * info logging on its standard output, and a recording upstream standing in for the engine.
 */

const METRICS_TOKEN = 'request-log-contract-metrics-token';
const USER_AGENT = 'request-log-contract';

interface LogLine {
  [field: string]: unknown;
  req?: { id?: string };
}

describe('the request log and the request metrics (exact content)', () => {
  let server: RunningServer;
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  let origin: string;
  let project: { id: string; slug: string; key: string };
  let limited: { id: string; slug: string; key: string };
  let lines: LogLine[];
  let metrics: string;
  const headers: Record<string, Record<string, string>> = {};

  const createProject = async (name: string, args: string[] = []) => {
    const created = JSON.parse((await runCli(['projects', 'create', '--name', name, ...args, '--json'])).stdout);
    return { id: created.project.id as string, slug: created.project.slug as string, key: created.serverApiKey as string };
  };

  /** Sends a request and keeps its response headers under its request id. */
  const post = async (path: string, requestId: string, key: string, body: unknown) => {
    const response = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { Authorization: `apikey ${key}`, 'Content-Type': 'application/json', 'User-Agent': USER_AGENT, 'X-Request-Id': requestId },
      body: JSON.stringify(body),
    });
    headers[requestId] = Object.fromEntries(response.headers);
    return response;
  };

  beforeAll(async () => {
    const suffix = randomUUID().slice(0, 8);
    project = await createProject(`Log contract ${suffix}`);
    limited = await createProject(`Log contract limited ${suffix}`);
    await runCli(['projects', 'set-rate-limit', limited.id, '1', '--json']);
    upstream = await startRecordingUpstream();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    server = await startEntry(
      'main.js',
      {
        PORT: String(port),
        LOG_LEVEL: 'info',
        METRICS_TOKEN,
        CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: TEST_SECRET,
        CENTRIFUGO_UPSTREAM_URL: upstream.url,
        CENTRIFUGO_API_KEY: 'contract-engine-key',
      },
      /Nest application successfully started/,
    );

    const channel = `public:${project.slug}.room`;
    const statuses = [
      (await post('/api/realtime/token', 'contract-token', project.key, { userId: 'u1', channels: [channel] })).status,
      (await post('/api/realtime/token', 'contract-malformed', 'not-a-server-key', { userId: 'u1' })).status,
      (
        await post('/api/realtime/token', 'contract-unknown', `${project.key.slice(0, -1)}${project.key.endsWith('A') ? 'B' : 'A'}`, {
          userId: 'u1',
        })
      ).status,
      (await post('/api/realtime/token', 'contract-invalid', project.key, { userId: 5 })).status,
      (await post('/api/realtime/publish', 'contract-publish', project.key, { channel, data: { n: 1 } })).status,
      (await post('/api/realtime/publish', 'contract-forbidden', project.key, { channel: 'public:someone-else.room', data: {} })).status,
      (await post('/api/realtime/token', 'contract-limit-1', limited.key, { userId: 'u1' })).status,
      (await post('/api/realtime/token', 'contract-limit-2', limited.key, { userId: 'u1' })).status,
      await fetch(`${origin}/no-such-route?token=secret-in-query`, {
        headers: { 'User-Agent': USER_AGENT, 'X-Request-Id': 'contract-404' },
      }).then((response) => {
        headers['contract-404'] = Object.fromEntries(response.headers);
        return response.status;
      }),
    ];
    await upstream.close();
    statuses.push((await post('/api/realtime/publish', 'contract-engine-down', project.key, { channel, data: { n: 2 } })).status);
    expect(statuses).toEqual([200, 401, 401, 400, 200, 403, 200, 429, 404, 502]);

    const scrape = await fetch(`${origin}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    metrics = await scrape.text();
    await new Promise((resolve) => setTimeout(resolve, 200));
    lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }, 60_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  /** The lines of one request, in order: each line's field names in the order written, and its content with the fields that vary from run to run checked by type and set aside. */
  const linesOf = (requestId: string) =>
    lines
      .filter((line) => line.req?.id === requestId)
      .map((line): Record<string, unknown> => {
        const { time, pid, hostname, responseTime, ...content } = line;
        expect(typeof time).toBe('number');
        expect(typeof pid).toBe('number');
        expect(typeof hostname).toBe('string');
        if ('responseTime' in line) expect(typeof responseTime).toBe('number');
        const { remoteAddress, ...request } = content.req as Record<string, unknown>;
        expect(remoteAddress).toMatch(/127\.0\.0\.1$/);
        return { fields: Object.keys(line), ...content, req: request };
      });

  const request = (id: string, url: string, method = 'POST') => ({ id, method, url, userAgent: USER_AGENT });
  const CALLER_FIELDS = ['level', 'time', 'pid', 'hostname', 'req', 'projectId', 'keyId', 'res', 'responseTime', 'msg'];
  const ANONYMOUS_FIELDS = ['level', 'time', 'pid', 'hostname', 'req', 'res', 'responseTime', 'msg'];
  const AUTH_FIELDS = ['level', 'time', 'pid', 'hostname', 'req', 'context', 'msg'];
  const completed = (level: number, statusCode: number, caller?: { id: string }) => ({
    fields: caller ? CALLER_FIELDS : ANONYMOUS_FIELDS,
    level,
    ...(caller && { projectId: caller.id, keyId: expect.stringMatching(/^[0-9a-f-]{36}$/) }),
    res: { statusCode },
    msg: 'request completed',
  });

  it('logs a minted token and a publish at info, with the request id, the project id and the key id', () => {
    expect(linesOf('contract-token')).toEqual([{ ...completed(30, 200, project), req: request('contract-token', '/api/realtime/token') }]);
    expect(linesOf('contract-publish')).toEqual([
      { ...completed(30, 200, project), req: request('contract-publish', '/api/realtime/publish') },
    ]);
    // Both lines name the same key of the same project.
    expect(linesOf('contract-publish')[0].keyId).toBe(linesOf('contract-token')[0].keyId);
  });

  it('logs a refused key twice: why (for the operator), then the 401, both under the request id and without the key', () => {
    for (const [id, why] of [
      ['contract-malformed', 'API key refused (malformed)'],
      ['contract-unknown', `API key refused (unknown): ${project.key.slice(0, 12)}…`],
    ]) {
      const req = request(id, '/api/realtime/token');
      expect(linesOf(id)).toEqual([
        { fields: AUTH_FIELDS, level: 40, req, context: 'Auth', msg: why },
        { ...completed(40, 401), req },
      ]);
    }
    expect(server.output()).not.toContain(project.key.slice(0, -1));
  });

  it('logs refusals after authentication at warn, with the project and key ids', () => {
    expect(linesOf('contract-invalid')).toEqual([
      { ...completed(40, 400, project), req: request('contract-invalid', '/api/realtime/token') },
    ]);
    expect(linesOf('contract-forbidden')).toEqual([
      { ...completed(40, 403, project), req: request('contract-forbidden', '/api/realtime/publish') },
    ]);
    expect(linesOf('contract-limit-1')).toEqual([
      { ...completed(30, 200, limited), req: request('contract-limit-1', '/api/realtime/token') },
    ]);
    expect(linesOf('contract-limit-2')).toEqual([
      { ...completed(40, 429, limited), req: request('contract-limit-2', '/api/realtime/token') },
    ]);
  });

  it('logs an unknown route at warn with every query value redacted', () => {
    expect(linesOf('contract-404')).toEqual([
      { ...completed(40, 404), req: request('contract-404', '/no-such-route?token=REDACTED', 'GET') },
    ]);
  });

  it('logs a 5xx at error as "request errored", with the status in `err`', () => {
    expect(linesOf('contract-engine-down')).toEqual([
      {
        fields: ['level', 'time', 'pid', 'hostname', 'req', 'projectId', 'keyId', 'res', 'err', 'responseTime', 'msg'],
        level: 50,
        req: request('contract-engine-down', '/api/realtime/publish'),
        projectId: project.id,
        keyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        res: { statusCode: 502 },
        err: { message: 'failed with status code 502' },
        msg: 'request errored',
      },
    ]);
  });

  it('answers with the same headers: the request id, the rate limit, and the security headers', () => {
    const security = {
      'content-security-policy':
        "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'self';form-action 'self'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    const common = (requestId: string, body?: object) => ({
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'content-type': 'application/json; charset=utf-8',
      'content-length': body ? String(Buffer.byteLength(JSON.stringify(body))) : expect.stringMatching(/^\d+$/),
      date: expect.any(String),
      'x-request-id': requestId,
      ...security,
    });
    const rateLimit = (left: number) => ({
      ratelimit: expect.stringMatching(new RegExp(`^"project";r=${left};t=\\d+$`)),
      'ratelimit-policy': '"project";q=6000;w=60',
    });
    expect(headers['contract-token']).toEqual({
      ...common('contract-token'),
      ...rateLimit(5999),
    });
    const invalidKey = { statusCode: 401, error: 'Invalid API key: use an active server key (xs_sk_…) of an enabled project.' };
    expect(headers['contract-unknown']).toEqual(common('contract-unknown', invalidKey));
    expect(headers['contract-limit-2']).toMatchObject({
      'retry-after': expect.stringMatching(/^\d+$/),
      ratelimit: expect.stringMatching(/^"project";r=0;t=\d+$/),
      'ratelimit-policy': '"project";q=1;w=60',
    });
    // The engine's answer is relayed with its own content type.
    expect(headers['contract-publish']).toMatchObject({ 'x-request-id': 'contract-publish', ...security, ...rateLimit(5997) });
  });

  it('gives an ETag to answers of GET (which a client can revalidate) and none to answers of POST', () => {
    // Express's weak ETag, a hash of the body: the same value as before for a GET (read-etag.ts).
    expect(headers['contract-404']).toMatchObject({
      'x-request-id': 'contract-404',
      etag: expect.stringMatching(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]+"$/),
    });
    for (const requestId of ['contract-token', 'contract-unknown', 'contract-limit-2', 'contract-publish'])
      expect(headers[requestId]).not.toHaveProperty('etag');
  });

  /** Every sample of the named families, as `name{labels} value`; histogram sums (durations) without their value. */
  const samples = (...families: string[]) =>
    metrics
      .split('\n')
      .filter((line) => families.some((family) => line.startsWith(`${family}{`) || line.startsWith(`${family} `)))
      .map((line) => (/_sum[{ ]/.test(line) ? line.replace(/ \S+$/, ' <seconds>') : line))
      .sort();

  it('counts the requests per route and status, the client errors per project, the rate limit, the tokens and the publishes', () => {
    const [mine, theirs] = [project.slug, limited.slug];
    expect(samples('xshathra_tokens_minted_total', 'xshathra_publishes_total', 'xshathra_rate_limited_total')).toEqual(
      [
        `xshathra_tokens_minted_total{project="${mine}",kind="connection"} 1`,
        `xshathra_tokens_minted_total{project="${theirs}",kind="connection"} 1`,
        `xshathra_publishes_total{project="${mine}"} 1`,
        `xshathra_rate_limited_total{project="${theirs}"} 1`,
      ].sort(),
    );
    expect(samples('xshathra_http_client_errors_total')).toEqual(
      [
        'xshathra_http_client_errors_total{project="",status="401"} 2',
        `xshathra_http_client_errors_total{project="${mine}",status="400"} 1`,
        `xshathra_http_client_errors_total{project="${mine}",status="403"} 1`,
        `xshathra_http_client_errors_total{project="${theirs}",status="429"} 1`,
        'xshathra_http_client_errors_total{project="",status="404"} 1',
      ].sort(),
    );
    const series = (method: string, route: string, status: number, count: number) => [
      `xshathra_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"} ${count}`,
      `xshathra_http_request_duration_seconds_sum{method="${method}",route="${route}",status="${status}"} <seconds>`,
    ];
    expect(samples('xshathra_http_request_duration_seconds_count', 'xshathra_http_request_duration_seconds_sum')).toEqual(
      [
        ...series('POST', '/api/realtime/token', 200, 2),
        ...series('POST', '/api/realtime/token', 401, 2),
        ...series('POST', '/api/realtime/token', 400, 1),
        ...series('POST', '/api/realtime/token', 429, 1),
        ...series('POST', '/api/realtime/publish', 200, 1),
        ...series('POST', '/api/realtime/publish', 403, 1),
        ...series('POST', '/api/realtime/publish', 502, 1),
        ...series('GET', 'unmatched', 404, 1),
      ].sort(),
    );
    // Every duration series has the same buckets.
    const buckets = samples('xshathra_http_request_duration_seconds_bucket').filter((line) =>
      line.includes('route="/api/realtime/token",status="200"'),
    );
    expect(buckets.map((line) => /le="([^"]+)"/.exec(line)![1]).sort()).toEqual(
      ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'].sort(),
    );
    expect(samples('xshathra_engine_requests_total').filter((line) => line.includes('operation="publish"'))).toEqual([
      'xshathra_engine_requests_total{operation="publish",outcome="ok"} 1',
      'xshathra_engine_requests_total{operation="publish",outcome="unreachable"} 1',
    ]);
  });

  it('keeps every metric family of the service', () => {
    const families = [...metrics.matchAll(/^# TYPE (xshathra_\w+) (\w+)$/gm)].map((match) => `${match[1]} ${match[2]}`).sort();
    expect(families).toEqual(
      [
        'xshathra_tokens_minted_total counter',
        'xshathra_publishes_total counter',
        'xshathra_http_client_errors_total counter',
        'xshathra_rate_limited_total counter',
        'xshathra_http_request_duration_seconds histogram',
        'xshathra_engine_requests_total counter',
        'xshathra_engine_request_duration_seconds histogram',
        'xshathra_proxied_websockets gauge',
        'xshathra_key_cache_lookups_total counter',
        'xshathra_project_live_connections gauge',
        'xshathra_db_pool_connections gauge',
      ].sort(),
    );
  });
});
