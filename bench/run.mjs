// `npm run bench`: the service's hot paths against baselines in the same run, rounds alternating between
// targets, medians of the rounds; prints a table and writes docs/performance.md. Never part of `npm test`,
// and nothing here asserts a time.
//   BENCH_ROUNDS (3), BENCH_SECONDS (6), BENCH_CONNECTIONS (64); DATABASE_URL, else the embedded database.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { startBareForwarder, startBareTokenServer, startExpressFloor } from './baselines.mjs';
import { hotPaths, loadOnce, PUBLISH_BODY, TOKEN_BODY } from './load.mjs';
import { startStack } from './stack.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);

async function main() {
  const stack = await startStack();
  const { engine, engineApiKey, secret, serverKey } = stack;
  const ours = hotPaths(stack);
  const bareToken = await startBareTokenServer({ serverKey, secret });
  const expressFloor = await startExpressFloor();
  const bareForwarder = await startBareForwarder({ serverKey, engineUrl: engine.url, engineApiKey });

  const auth = { Authorization: `apikey ${serverKey}`, 'Content-Type': 'application/json' };
  const groups = [
    {
      path: 'POST /api/realtime/token (cached key, info logging)',
      targets: [
        { name: 'bare node:http doing the whole job', url: `${bareToken.url}/api/realtime/token`, headers: auth, body: TOKEN_BODY },
        {
          name: 'Express 5 + express.json() answering a constant',
          url: `${expressFloor.url}/api/realtime/token`,
          headers: auth,
          body: TOKEN_BODY,
          floor: true,
        },
        { name: 'this service', ...ours.token, ours: true },
      ],
    },
    {
      path: 'POST /api/realtime/publish',
      targets: [
        {
          name: 'Centrifugo direct (/api/publish)',
          url: `${engine.url}/api/publish`,
          headers: { 'X-API-Key': engineApiKey, 'Content-Type': 'application/json' },
          body: PUBLISH_BODY,
        },
        {
          name: 'bare node:http forwarder',
          url: `${bareForwarder.url}/api/realtime/publish`,
          headers: auth,
          body: PUBLISH_BODY,
          floor: true,
        },
        { name: 'this service', ...ours.publish, ours: true },
      ],
    },
  ];

  const results = [];
  try {
    for (const group of groups) {
      const samples = new Map(group.targets.map((target) => [target.name, []]));
      for (let round = 1; round <= ROUNDS; round++) {
        for (const target of group.targets) {
          const result = await loadOnce(target, { seconds: SECONDS, connections: CONNECTIONS });
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
    await stack.stop();
  }
  const report = render(results);
  process.stdout.write(report.table + '\n');
  writeFileSync(new URL('../docs/performance.md', import.meta.url), report.markdown);
  process.stdout.write('\nWrote docs/performance.md\n');
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

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
