// `npm run bench:profile -- <token|publish> [label]`: a CPU profile of one hot path under load, summarised.
// The app runs under bench/profiled-main.cjs; after a warm-up, the profiler records BENCH_SECONDS (10) of
// autocannon load. Writes the raw profile (open it in Chrome DevTools or speedscope) to
// .cache/profiles/<path>-<label>.cpuprofile and the summary to docs/profiles/<path>-<label>.md.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOnce, hotPaths } from './load.mjs';
import { startStack } from './stack.mjs';

const [pathName = 'token', label = 'now'] = process.argv.slice(2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const TOP = 30;

async function main() {
  const profilePath = resolve('.cache', 'profiles', `${pathName}-${label}.cpuprofile`);
  mkdirSync(join(profilePath, '..'), { recursive: true });
  rmSync(profilePath, { force: true });
  const stack = await startStack({ script: 'bench/profiled-main.cjs', env: { CPU_PROFILE_PATH: profilePath } });
  try {
    const target = hotPaths(stack)[pathName];
    if (!target) throw new Error(`Unknown path "${pathName}": use ${Object.keys(hotPaths(stack)).join(' or ')}.`);
    await loadOnce(target, { seconds: 3, connections: CONNECTIONS }); // warm-up: JIT, caches, pools
    stack.app.send('profile:start');
    const result = await loadOnce(target, { seconds: SECONDS, connections: CONNECTIONS });
    stack.app.send('profile:stop');
    for (let i = 0; i < 100 && !existsSync(profilePath); i++) await new Promise((r) => setTimeout(r, 100));
    const summary = summarise(JSON.parse(readFileSync(profilePath, 'utf8')));
    const markdown = `# CPU profile: ${target.route} (${label})

${CONNECTIONS} connections, ${SECONDS} s under load: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms.
Self time of the app's process while busy (idle excluded), by package and by function.
Command: \`npm run bench:profile -- ${pathName} ${label}\`.

${summary}
`;
    mkdirSync('docs/profiles', { recursive: true });
    writeFileSync(`docs/profiles/${pathName}-${label}.md`, markdown);
    process.stdout.write(markdown);
  } finally {
    await stack.stop();
  }
}

/** Self time per package and per function, as shares of the samples in which the process was not idle. */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfSamples = new Map();
  for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
  const byPackage = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const [id, count] of selfSamples) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') continue;
    busy += count;
    const where = packageOf(url, functionName);
    byPackage.set(where, (byPackage.get(where) ?? 0) + count);
    const fn = `${functionName || '(anonymous)'} · ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + count);
  }
  const table = (title, rows) =>
    [
      `| ${title} | share of busy time |`,
      '| --- | --- |',
      ...rows.map(([name, n]) => `| ${name} | ${((100 * n) / busy).toFixed(1)} % |`),
    ].join('\n');
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const busyShare = `The process was busy in ${((100 * busy) / profile.samples.length).toFixed(0)} % of the samples.`;
  return `${busyShare}\n\n${table('package', top(byPackage, 20))}\n\n${table('function', top(byFunction, TOP))}`;
}

function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const ours = /\/dist\/(src\/.+)\.js$/.exec(url);
  if (ours) return ours[1];
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  return url;
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
