// `npm run bench`: the service's HTTP hot paths against baselines in the same run, rounds alternating between
// targets, medians of the rounds; then the WebSocket fan-out (bench/fanout.mjs). Prints the tables and writes
// docs/performance.md: the measured tables, then the findings kept in bench/findings.md. Never part of
// `npm test`, and nothing here asserts a time.
//   BENCH_ROUNDS (3), BENCH_SECONDS (6), BENCH_CONNECTIONS (64), the FANOUT_* settings of bench/fanout.mjs;
//   DATABASE_URL, else the embedded database.
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { pathToFileURL } from 'node:url';
import { runFanout } from './fanout.mjs';
import { runDebugCost } from './debug-cost.mjs';
import { runLiveCost } from './live-cost.mjs';
import { hotPaths, loadOnce, PUBLISH_BODY, TOKEN_BODY } from './load.mjs';
import { startStack } from './stack.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);

async function main() {
  const stack = await startStack();
  const { engine, engineApiKey, secret, serverKey } = stack;
  const ours = hotPaths(stack);
  const baselines = await startBaselines({ serverKey, secret, engineUrl: engine.url, engineApiKey });
  const { bareToken, expressFloor, bareNest, bareNestToken, bareForwarder, bareNestForwarder } = baselines.urls;

  const auth = { Authorization: `apikey ${serverKey}`, 'Content-Type': 'application/json' };
  const groups = [
    {
      path: 'POST /api/realtime/token (cached key, info logging)',
      targets: [
        { name: 'bare node:http doing the whole job', url: `${bareToken}/api/realtime/token`, headers: auth, body: TOKEN_BODY },
        {
          name: 'Express 5 + express.json() answering a constant',
          url: `${expressFloor}/api/realtime/token`,
          headers: auth,
          body: TOKEN_BODY,
        },
        {
          name: 'bare NestJS on Express answering a constant',
          url: `${bareNest}/api/realtime/token`,
          headers: auth,
          body: TOKEN_BODY,
          reference: true,
        },
        {
          name: 'bare NestJS doing the whole job, no feature (the ceiling on this stack)',
          url: `${bareNestToken}/api/realtime/token`,
          headers: auth,
          body: TOKEN_BODY,
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
          url: `${bareForwarder}/api/realtime/publish`,
          headers: auth,
          body: PUBLISH_BODY,
          reference: true,
        },
        {
          name: 'bare NestJS forwarder, no feature (the ceiling on this stack)',
          url: `${bareNestForwarder}/api/realtime/publish`,
          headers: auth,
          body: PUBLISH_BODY,
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
    baselines.stop();
    await stack.stop();
  }
  const http = render(results);
  process.stdout.write(http.table + '\n');
  const fanout = await runFanout();
  process.stdout.write(fanout.table + '\n');
  const liveCost = await runLiveCost();
  process.stdout.write(liveCost.table + '\n');
  const debugCost = await runDebugCost();
  process.stdout.write(debugCost.table + '\n');
  writeFileSync(
    new URL('../docs/performance.md', import.meta.url),
    `${http.markdown}
${stagesAndSoak()}
${fanout.markdown}
${liveCost.markdown}
${debugCost.markdown}
${FINDINGS_LINK}`,
  );
  process.stdout.write('\nWrote docs/performance.md\n');
}

/** The findings live in bench/findings.md alone; the measured page links to them rather than copying them. */
const FINDINGS_LINK = `## Findings

What the profiles and experiments showed, what changed because of them, the targets and whether they were met,
and what bounds each ratio above: [bench/findings.md](../bench/findings.md). The "no feature" rows are each
ratio's ceiling on this stack (the same job in one bare NestJS controller); findings.md adds what each feature
costs in the running app (builds with one part removed, measured in one run) next to its cost alone
([stages](stages.md), above). CPU profiles: [profiles/](profiles/)
(\`npm run bench:profile -- token|publish|fanout <label>\`; see [development.md](development.md#profiling-and-benchmarks)).
`;

/**
 * The per-stage budget and the memory soak, as their own benches last wrote them (`npm run bench:stages`,
 * `npm run bench:soak`: the soak alone takes 5 minutes), with their headings one level down.
 */
export function stagesAndSoak() {
  const section = (file) => {
    const url = new URL(`../docs/${file}`, import.meta.url);
    if (!existsSync(url)) return `(not measured yet: docs/${file})\n`;
    return readFileSync(url, 'utf8').replace(/^# /, '## ').replace(/\n## /g, '\n### ');
  };
  return `${section('stages.md')}\n${section('soak.md')}`;
}

/** The baselines in a process of their own (bench/baselines.mjs). */
async function startBaselines(settings) {
  const child = fork(new URL('./baselines.mjs', import.meta.url), { env: { ...process.env, BASELINES: JSON.stringify(settings) } });
  const urls = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`The baselines exited (${code}) before they listened.`)));
  });
  return { urls, stop: () => child.disconnect() };
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
    const reference = rows.find((row) => row.target.reference);
    lines.push(
      `\n### ${group.path}\n`,
      '| target | req/s | p50 ms | p99 ms | ratio to the reference | errors |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const row of rows) {
      const ratio = (row.rps / reference.rps).toFixed(2);
      lines.push(
        `| ${row.target.ours ? '**' + row.target.name + '**' : row.target.name}${row.target.reference ? ' (reference)' : ''} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${ratio}× | ${row.errors} |`,
      );
    }
  }
  const table = lines.join('\n');
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, Node ${process.version}`;
  const markdown = `# Performance

Written by \`npm run bench\` (bench/run.mjs); the findings are kept in [bench/findings.md](../bench/findings.md).

Machine: ${machine}.
Command: \`npm run bench\` (this run: BENCH_ROUNDS=${ROUNDS} BENCH_SECONDS=${SECONDS} BENCH_CONNECTIONS=${CONNECTIONS}).

## HTTP hot paths

Each target under autocannon with ${CONNECTIONS} connections for ${SECONDS} s, ${ROUNDS} rounds alternating between the
targets of a group, medians of the rounds. The service runs as \`npm run start:prod\` runs it, with a production
route table (API_DOCS and SOCKET_TEST_PAGE off) and every feature on: auth, channel policy, validation, rate
limit (counted for every request), metrics, request ids, helmet, and info logging of every request to a file. It
uses the embedded PostgreSQL (or \`DATABASE_URL\`) and a local Centrifugo. The baselines run in a process of
their own, as the service does; autocannon runs in a third. The ratios compare against the reference of each
group (issue 21's targets: token ≥ 0.5× the bare NestJS app, publish ≥ 0.9× the bare forwarder), measured in the
same run on the same machine.
${table}
`;
  return { table, markdown };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
