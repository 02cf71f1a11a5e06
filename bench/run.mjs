// `npm run bench`: the service's hot paths against baselines in the same run, rounds alternating between
// targets, medians of the rounds; prints a table and writes docs/performance.md. Never part of `npm test`,
// and nothing here asserts a time.
//   BENCH_ROUNDS (3), BENCH_SECONDS (6), BENCH_CONNECTIONS (64); DATABASE_URL, else the embedded database.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem, tmpdir, platform, release } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startBareForwarder, startBareTokenServer, startExpressFloor } from './baselines.mjs';

const require = createRequire(import.meta.url);
const { startLocalEngine, findEngineBinary } = require('../dist/src/dev/local-engine.js');
const { freePort } = require('../dist/src/dev/ports.js');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const secret = randomBytes(32).toString('base64url');
const engineApiKey = randomBytes(24).toString('base64url');
const proxySecret = randomBytes(24).toString('base64url');
const dataDir = mkdtempSync(join(tmpdir(), 'xshathra-bench-'));
chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as the `postgres` user when we are root
const env = (extra) => ({ ...process.env, XSHATHRA_DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'info', ...extra });

async function main() {
  const binary = findEngineBinary(process.env.CENTRIFUGO_BIN);
  if (!binary) throw new Error('No Centrifugo: run `npm run engine:install` first.');
  const appPort = await freePort();
  const engine = await startLocalEngine({
    binary,
    dir: join(dataDir, 'engine'),
    port: await freePort(),
    tokenHmacSecret: secret,
    apiKey: engineApiKey,
    allowedOrigins: [],
    subscribeProxy: { appUrl: `http://127.0.0.1:${appPort}`, secret: proxySecret },
  });
  const appEnv = env({
    PORT: String(appPort),
    CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: secret,
    CENTRIFUGO_UPSTREAM_URL: engine.url,
    CENTRIFUGO_API_KEY: engineApiKey,
    ENGINE_PROXY_SECRET: proxySecret,
  });
  const app = await startApp(appEnv);
  const cli = (...args) =>
    JSON.parse(execFileSync(process.execPath, ['dist/src/cli.js', ...args, '--json'], { env: appEnv, encoding: 'utf8' }));
  const project = cli('projects', 'create', '--name', 'Bench', '--channels', '*:*,*');
  // The bench project's own limit, high enough not to refuse the load: the limiter still counts every request.
  cli('projects', 'set-rate-limit', project.id, '10000000');
  const serverKey = project.serverApiKey;
  const appUrl = `http://127.0.0.1:${appPort}`;

  const bareToken = await startBareTokenServer({ serverKey, secret });
  const expressFloor = await startExpressFloor();
  const bareForwarder = await startBareForwarder({ serverKey, engineUrl: engine.url, engineApiKey });

  const tokenBody = JSON.stringify({
    userId: 'user_01HZEXAMPLE',
    ttlSeconds: 900,
    channels: ['public:lobby'],
    info: { displayName: 'Player One' },
  });
  const publishBody = JSON.stringify({ channel: 'public:lobby', data: { type: 'ping', at: '2026-03-30T12:00:00.000Z' } });
  const auth = { Authorization: `apikey ${serverKey}`, 'Content-Type': 'application/json' };
  const groups = [
    {
      path: 'POST /api/realtime/token (cached key, info logging)',
      targets: [
        { name: 'bare node:http doing the whole job', url: `${bareToken.url}/api/realtime/token`, headers: auth, body: tokenBody },
        {
          name: 'Express 5 + express.json() answering a constant',
          url: `${expressFloor.url}/api/realtime/token`,
          headers: auth,
          body: tokenBody,
          floor: true,
        },
        { name: 'this service', url: `${appUrl}/api/realtime/token`, headers: auth, body: tokenBody, ours: true },
      ],
    },
    {
      path: 'POST /api/realtime/publish',
      targets: [
        {
          name: 'Centrifugo direct (/api/publish)',
          url: `${engine.url}/api/publish`,
          headers: { 'X-API-Key': engineApiKey, 'Content-Type': 'application/json' },
          body: publishBody,
        },
        {
          name: 'bare node:http forwarder',
          url: `${bareForwarder.url}/api/realtime/publish`,
          headers: auth,
          body: publishBody,
          floor: true,
        },
        { name: 'this service', url: `${appUrl}/api/realtime/publish`, headers: auth, body: publishBody, ours: true },
      ],
    },
  ];

  const results = [];
  try {
    for (const group of groups) {
      const samples = new Map(group.targets.map((target) => [target.name, []]));
      for (let round = 1; round <= ROUNDS; round++) {
        for (const target of group.targets) {
          const result = await load(target);
          samples.get(target.name).push(result);
          process.stderr.write(
            `${group.path} · round ${round} · ${target.name}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms${result.errors ? `, ${result.errors} errors/non-2xx` : ''}\n`,
          );
        }
      }
      results.push({ group, rows: group.targets.map((target) => ({ target, ...medians(samples.get(target.name)) })) });
    }
  } finally {
    bareToken.close();
    expressFloor.close();
    bareForwarder.close();
    await app.stop();
    await engine.stop();
  }
  const report = render(results);
  process.stdout.write(report.table + '\n');
  writeFileSync(new URL('../docs/performance.md', import.meta.url), report.markdown);
  process.stdout.write('\nWrote docs/performance.md\n');
}

function load(target) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: target.url, method: 'POST', headers: target.headers, body: target.body, connections: CONNECTIONS, duration: SECONDS },
      (error, result) => {
        if (error) return reject(error);
        resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx });
      },
    );
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const medians = (samples) => ({
  rps: median(samples.map((s) => s.rps)),
  p50: median(samples.map((s) => s.p50)),
  p99: median(samples.map((s) => s.p99)),
  errors: samples.reduce((sum, s) => sum + s.errors, 0),
});

function render(results) {
  const lines = [];
  for (const { group, rows } of results) {
    const floor = rows.find((row) => row.target.floor);
    lines.push(
      `\n### ${group.path}\n`,
      '| target | req/s | p50 ms | p99 ms | ratio to the floor | errors |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const row of rows) {
      const ratio = (row.rps / floor.rps).toFixed(2);
      lines.push(
        `| ${row.target.ours ? '**' + row.target.name + '**' : row.target.name}${row.target.floor ? ' (floor)' : ''} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${ratio}× | ${row.errors} |`,
      );
    }
  }
  const table = lines.join('\n');
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, Node ${process.version}`;
  const markdown = `# Performance

Measured by \`npm run bench\` (bench/run.mjs): each target under autocannon with ${CONNECTIONS} connections for
${SECONDS} s, ${ROUNDS} rounds alternating between the targets of a group, medians of the rounds. The service runs as
\`npm run start:prod\` runs it, with every feature on (auth, channel policy, validation, rate limit, metrics,
request ids, info logging to a pipe), on the embedded PostgreSQL (or \`DATABASE_URL\`) and a local Centrifugo.
The ratios compare against the floor of each group, measured in the same run on the same machine.

Machine: ${machine}.
Command: \`npm run bench\` (this run: BENCH_ROUNDS=${ROUNDS} BENCH_SECONDS=${SECONDS} BENCH_CONNECTIONS=${CONNECTIONS}).
${table}
`;
  return { table, markdown };
}

async function startApp(appEnv) {
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: appEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  child.stdout.on('data', (chunk) => {
    if (output.length < 100_000) output += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 600 && !/Nest application successfully started/.test(output); i++) {
    if (child.exitCode !== null) throw new Error(`The app exited:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.stdout.removeAllListeners('data');
  child.stdout.resume(); // keep draining the request logs, as a log collector would
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
