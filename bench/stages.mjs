// `npm run bench:stages [-- <dist dir>]`: what each stage of the token and publish routes costs alone, in this
// process, with the service's own code from dist/ (or another build's dist/, to compare two builds): the same
// functions and libraries the routes run, fed the bench's request, each called in a tight loop. Prints a table of
// µs per call (median of BENCH_STAGE_RUNS runs) next to each stage's budget (see docs/performance.md), and
// writes it to docs/stages.md when run on this tree's build. Never part of `npm test`; nothing here asserts a time.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { TOKEN_BODY } from './load.mjs';

const DIST = resolve(process.argv[2] ?? 'dist');
const RUNS = Number(process.env.BENCH_STAGE_RUNS ?? 7);
const CALLS = Number(process.env.BENCH_STAGE_CALLS ?? 20_000);
const require = createRequire(`${DIST}/`);
const load = (path) => require(`${DIST}/src/${path}`);
const fromApp = createRequire(new URL('../package.json', import.meta.url));

/**
 * Each stage with the budget it is allowed, in µs of one core per request. The budgets share out what the
 * token route may cost over a bare NestJS app at issue 21's target (0.5×: as much again as bare NestJS, about
 * 60–70 µs on this machine), keeping some for Nest's own guard, pipe and filter plumbing.
 */
const BUDGETS = {
  'body read': 8,
  'auth lookup': 4,
  'rate limit': 3,
  'channel policy': 1,
  validation: 12,
  sign: 12,
  'log line': 6,
  metrics: 3,
  'security headers': 4,
};

/** µs per call of `fn` (awaited when it returns a promise), median of RUNS runs of CALLS calls. */
async function measure(fn) {
  for (let i = 0; i < CALLS / 4; i++) await fn(); // warm-up: JIT and caches
  const runs = [];
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) await fn();
    runs.push(Number(process.hrtime.bigint() - started) / 1000 / CALLS);
  }
  return runs.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

/** A response that takes headers and nothing else. */
const headerSink = () => ({ setHeader() {}, setHeaders() {}, removeHeader() {}, getHeader() {} });

/** A request as Express hands it on: headers, and the body as a stream (body-parser reads it). */
function tokenRequest(body = TOKEN_BODY) {
  const request = Readable.from([Buffer.from(body)]);
  Object.assign(request, {
    method: 'POST',
    url: '/api/realtime/token',
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), authorization: 'apikey x' },
    is: (type) => (type === 'application/json' ? type : false),
  });
  return request;
}

async function stages() {
  // Every module of the app, as the running app has them: class-validator then knows every DTO class.
  load('app.module.js');
  const { parseEnv } = load('platform/config/env.parser.js');
  const config = parseEnv({
    CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: 'bench-secret-with-at-least-32-characters',
    RATE_LIMIT_PER_MINUTE: '10000000',
  });
  const { ChannelPolicy, UNRESTRICTED_PATTERNS } = load('domain/channels/channel-policy.js');
  const project = {
    projectId: '3f46ca96-2651-48a2-8f7c-657e4e14b3c8',
    projectSlug: 'bench',
    keyId: '26cb07ea-ab90-4d9a-b5af-ba4242e92b88',
    channels: new ChannelPolicy(UNRESTRICTED_PATTERNS),
    rateLimitPerMinute: 10_000_000,
  };
  const body = JSON.parse(TOKEN_BODY);
  const results = {};

  // Body read: the JSON body middleware (content checks, body-parser reading the stream, UTF-8 check, parse).
  const { JsonBodyMiddleware } = load('http/json-body.middleware.js');
  const bodyMiddleware = new JsonBodyMiddleware(config);
  results['body read'] = await measure(
    () => new Promise((done, fail) => bodyMiddleware.use(tokenRequest(), headerSink(), (error) => (error ? fail(error) : done()))),
  );

  // Auth lookup: the Authorization header, the key's format and hash (twice: "known valid?", then the check), the cache.
  const { parseAuthorizationHeader } = load('http/auth/authorization-header.js');
  const apiKey = load('domain/projects/api-key.js');
  const { key } = apiKey.generateApiKey('server');
  const cache = new Map([[apiKey.hashApiKey(key), { ok: true, project }]]);
  const header = `apikey ${key}`;
  results['auth lookup'] = await measure(() => {
    const presented = parseAuthorizationHeader(header);
    const known = apiKey.isWellFormedKey(presented, 'server') && cache.has(apiKey.hashApiKey(presented));
    return known && apiKey.isWellFormedKey(presented, 'server') && cache.get(apiKey.hashApiKey(presented));
  });

  // Rate limit: one count in the in-process throttler storage and the two RateLimit fields.
  const { ResilientThrottlerStorage } = load('http/rate-limit/resilient-storage.js');
  const storage = new ResilientThrottlerStorage(undefined);
  const projectRateLimit = loadOptional('http/rate-limit/project-rate-limit.js')?.ProjectRateLimit;
  if (projectRateLimit) {
    const limiter = new projectRateLimit(storage, config);
    const response = headerSink();
    results['rate limit'] = await measure(() => limiter.count(project, response));
  }

  // Channel policy: the requested channels against the project's patterns.
  const { assertChannelsAllowed } = load('domain/access/channel-access.js');
  results['channel policy'] = await measure(() => assertChannelsAllowed(project, body.channels));

  // Validation: the global pipe on the token DTO (object checks, class-transformer, class-validator).
  const { StrictValidationPipe } = load('http/validation.js');
  const { CreateTokenDto } = load('api/server/tokens/dto/create-token.dto.js');
  const pipe = new StrictValidationPipe();
  results.validation = await measure(() => pipe.transform(JSON.parse(TOKEN_BODY), { type: 'body', metatype: CreateTokenDto }));

  // Sign: the claims and the HS256 JWT, as TokensService makes them (@nestjs/jwt, through TokenSigner where the
  // build has it), the policy check included; nobody watches the debug feed.
  const { TokensService } = load('api/server/tokens/tokens.service.js');
  const signerModule = loadOptional('platform/engine/token-signer.js');
  const clock = { now: () => Date.now() };
  const probe = { available: true, watch() {} };
  const tokens = signerModule
    ? new TokensService(new signerModule.TokenSigner(config), clock, { tokenMinted() {} }, probe, { isWatched: () => false })
    : new TokensService(new (fromApp('@nestjs/jwt').JwtService)({}), clock, { tokenMinted() {} }, probe, config);
  results.sign = await measure(() => tokens.createConnectionToken(project, body));

  // Log line: the request's context and its closing line, written to /dev/null by the service's pino options.
  const logLine = await logLineStage(config);
  if (logLine) results['log line'] = await measure(logLine);

  // Metrics: one finished request into prom-client's histogram and counters.
  results.metrics = await measure(metricsStage(load('platform/metrics/metrics.js').Metrics));

  // Security headers: helmet's headers on one response.
  const { securityHeaders } = load('http/security-headers.js');
  const headers = securityHeaders('api/docs');
  const request = { url: '/api/realtime/token' };
  results['security headers'] = await measure(() => headers(request, headerSink(), () => undefined));

  storage.onModuleDestroy();
  return results;
}

function loadOptional(path) {
  try {
    return load(path);
  } catch {
    return undefined;
  }
}

/** The request log's stage, on builds that have the request context (request-context.js). */
async function logLineStage(config) {
  const context = loadOptional('http/request-context.js');
  if (!context) return undefined;
  const { loggerParams, loggedRequest } = load('http/logging.js');
  const { pino } = fromApp('pino');
  const { pinoHttp } = await loggerParams({ ...config, logLevel: 'info', logFormat: 'json' });
  const options = Array.isArray(pinoHttp) ? pinoHttp[0] : pinoHttp; // [options, stream] in later builds
  const logger = pino(options, pino.destination({ dest: '/dev/null', sync: true }));
  const request = { method: 'POST', url: '/api/realtime/token', headers: { 'user-agent': 'autocannon' }, ip: '127.0.0.1' };
  return () => {
    const requestContext = new context.RequestContext(loggedRequest(request, 'a1b2c3d4-0000-4000-8000-000000000000'));
    requestContext.assignCaller({ projectId: 'p', keyId: 'k' });
    context.runInRequest(requestContext, () => logger.info({ res: { statusCode: 200 }, responseTime: 1 }, 'request completed'));
  };
}

function metricsStage(Metrics) {
  const { Counter, Histogram, Gauge, Registry } = fromApp('prom-client');
  const registers = [new Registry()];
  const counter = (name, labelNames) => new Counter({ name, help: name, labelNames, registers });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  const metrics = new Metrics(
    counter('tokens', ['project', 'kind']),
    counter('publishes', ['project']),
    counter('client_errors', ['project', 'status']),
    counter('rate_limited', ['project']),
    new Histogram({ name: 'duration', help: 'd', labelNames: ['method', 'route', 'status'], buckets, registers }),
    counter('engine', ['operation', 'outcome']),
    new Histogram({ name: 'engine_duration', help: 'd', labelNames: ['operation'], buckets, registers }),
    new Gauge({ name: 'proxied', help: 'p', registers }),
    counter('key_cache', ['result']),
    new Gauge({ name: 'live', help: 'l', labelNames: ['project'], registers }),
  );
  return () => {
    metrics.requestFinished({ method: 'POST', route: '/api/realtime/token', status: 200, project: 'bench', seconds: 0.002 });
    metrics.tokenMinted('bench', 'connection');
    metrics.keyCacheLookup(true);
  };
}

async function main() {
  const results = await stages();
  const rows = Object.entries(BUDGETS).map(([stage, budget]) => {
    const cost = results[stage];
    return `| ${stage} | ${cost === undefined ? 'n/a' : cost.toFixed(1)} | ${budget} | ${cost === undefined ? '' : cost <= budget ? 'yes' : '**no**'} |`;
  });
  const total = (values) => values.reduce((sum, value) => sum + (value ?? 0), 0);
  const table = [
    '| stage | µs per request (median) | budget µs | within? |',
    '| --- | --- | --- | --- |',
    ...rows,
    `| **all stages** | ${total(Object.keys(BUDGETS).map((stage) => results[stage])).toFixed(1)} | ${total(Object.values(BUDGETS))} | |`,
  ].join('\n');
  const build = `build: ${DIST} (${createHash('sha1').update(DIST).digest('hex').slice(0, 6)}), Node ${process.version}, ${RUNS} runs of ${CALLS} calls`;
  process.stdout.write(`${table}\n\n${build}\n`);
  if (DIST === resolve('dist')) {
    writeFileSync(
      new URL('../docs/stages.md', import.meta.url),
      `# Per-stage cost of the hot routes\n\nWritten by \`npm run bench:stages\` (bench/stages.mjs): each stage of the token route alone, with the\nservice's own code, in one process, µs of one core per call (the publish route runs the same stages but\nsigning, plus one engine call). Node ${process.version}, ${RUNS} runs of ${CALLS} calls, medians.\n\n${table}\n`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
