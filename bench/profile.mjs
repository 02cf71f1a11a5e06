// `npm run bench:profile -- <token|publish|fanout> [label]`: a CPU profile of one hot path under load,
// summarised. The app runs under bench/profiled-main.cjs; after a warm-up, the profiler records BENCH_SECONDS
// (10) of autocannon load (token, publish), or of FANOUT_CLIENTS (2000) WebSocket clients through the app
// receiving FANOUT_LIGHT_RATE (10) publishes a second (fanout: the proxy's relay path). Writes the raw profile (open it in Chrome DevTools or speedscope) to
// .cache/profiles/<path>-<label>.cpuprofile and the summary to docs/profiles/<path>-<label>.md.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FANOUT_APP_ENV, relayThroughApp } from './fanout.mjs';
import { loadOnce, hotPaths } from './load.mjs';
import { startStack } from './stack.mjs';

const [pathName = 'token', label = 'now'] = process.argv.slice(2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const TOP = 30;
const FANOUT = { clients: Number(process.env.FANOUT_CLIENTS ?? 2000), rate: Number(process.env.FANOUT_LIGHT_RATE ?? 10) };

async function main() {
  const profilePath = resolve('.cache', 'profiles', `${pathName}-${label}.cpuprofile`);
  mkdirSync(join(profilePath, '..'), { recursive: true });
  rmSync(profilePath, { force: true });
  const stack = await startStack({
    script: 'bench/profiled-main.cjs',
    env: { CPU_PROFILE_PATH: profilePath, ...(pathName === 'fanout' && FANOUT_APP_ENV) },
  });
  try {
    const { route, measured } = await profileLoad(stack);
    for (let i = 0; i < 100 && !existsSync(profilePath); i++) await new Promise((r) => setTimeout(r, 100));
    const summary = summarise(JSON.parse(readFileSync(profilePath, 'utf8')));
    const markdown = `# CPU profile: ${route} (${label})

${measured}
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

/** Warms up, then profiles the path's load; says what ran. */
async function profileLoad(stack) {
  const start = () => stack.app.send('profile:start');
  const stop = () => stack.app.send('profile:stop');
  if (pathName === 'fanout') {
    await relayThroughApp(stack, { ...FANOUT, clients: 200, seconds: 2 });
    const result = await relayThroughApp(stack, { ...FANOUT, seconds: SECONDS }, { onPublishing: start, onDelivered: stop });
    return {
      route: 'WebSocket fan-out through /realtime/connection/websocket',
      measured: `${result.clients} clients, ${FANOUT.rate} publishes/s for ${SECONDS} s: delivery p99 ${result.p99.toFixed(1)} ms, ${result.received}/${result.expected} delivered.`,
    };
  }
  const target = hotPaths(stack)[pathName];
  if (!target) throw new Error(`Unknown path "${pathName}": use token, publish or fanout.`);
  await loadOnce(target, { seconds: 3, connections: CONNECTIONS }); // JIT, caches, pools
  start();
  const result = await loadOnce(target, { seconds: SECONDS, connections: CONNECTIONS });
  stop();
  return {
    route: target.route,
    measured: `${CONNECTIONS} connections, ${SECONDS} s under load: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms.`,
  };
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
