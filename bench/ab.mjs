// `npm run bench:ab -- <token|publish> <A: main.js> [B: main.js] [C: main.js …]`: builds of the app under the same
// load in one run, to measure one change alone (or several, each build adding one). All stacks run at once; rounds
// alternate between them (A B C, C B A, …); medians. Besides req/s and p99 it reports the app's main-thread CPU
// time per request (from /proc), which the load of other processes on the machine disturbs much less than
// req/s. B defaults to this tree's build (dist/src/main.js); A is typically a build of the commit before the
// change, e.g.
//   git archive <commit> | tar -x -C /tmp/a && ln -s $PWD/node_modules /tmp/a/ && (cd /tmp/a && npx nest build)
//   npm run bench:ab -- token /tmp/a/dist/src/main.js
// A build may carry Node options after a `|` (`dist/src/main.js|--max-semi-space-size=64`).
// BENCH_ROUNDS (5), BENCH_SECONDS (6), BENCH_CONNECTIONS (64).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hotPaths, loadOnce } from './load.mjs';
import { startStack } from './stack.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user + system) of a process's main thread so far. */
function mainThreadCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime and stime: fields 14 and 15 of stat(5)
}

async function main() {
  const [pathName = 'token', ...given] = process.argv.slice(2);
  if (given.length === 0) throw new Error('Usage: npm run bench:ab -- <token|publish> <A main.js> [B main.js …]');
  const builds = given.length === 1 ? [...given, 'dist/src/main.js'] : given;
  const targets = [];
  try {
    for (const [index, build] of builds.entries()) {
      const [script, nodeOptions] = build.split('|');
      const env = nodeOptions ? { NODE_OPTIONS: nodeOptions } : {};
      targets.push({ name: String.fromCharCode(65 + index), build, stack: await startStack({ script: resolve(script), env }), runs: [] });
    }
    for (const target of targets) await loadOnce(hotPaths(target.stack)[pathName], { seconds: 2, connections: CONNECTIONS }); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        const cpuBefore = mainThreadCpuSeconds(target.stack.app.pid);
        const result = await loadOnce(hotPaths(target.stack)[pathName], { seconds: SECONDS, connections: CONNECTIONS });
        const cpuMicros = ((mainThreadCpuSeconds(target.stack.app.pid) - cpuBefore) * 1e6) / (result.rps * SECONDS);
        target.runs.push({ ...result, cpuMicros });
        process.stderr.write(
          `round ${round + 1} · ${target.name}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms, ${cpuMicros.toFixed(0)} µs CPU/request${result.errors ? `, ${result.errors} errors` : ''}\n`,
        );
      }
    }
  } finally {
    for (const target of targets) await target.stack.stop();
  }
  const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  const rows = targets.map((target) => ({
    ...target,
    rps: median(target.runs.map((run) => run.rps)),
    p99: median(target.runs.map((run) => run.p99)),
    cpu: median(target.runs.map((run) => run.cpuMicros)),
  }));
  const [first] = rows;
  process.stdout.write(
    [
      `POST /api/realtime/${pathName}, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s, medians`,
      '| build | req/s | p99 ms | main-thread CPU per request | against A |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (t) =>
          `| ${t.name}: ${t.build} | ${t.rps.toFixed(0)} | ${t.p99} | ${t.cpu.toFixed(0)} µs | ${(t.rps / first.rps).toFixed(2)}× req/s, ${(t.cpu / first.cpu).toFixed(2)}× CPU |`,
      ),
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
