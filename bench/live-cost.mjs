// What the control channel costs (live connections, docs/api-reference.md#live-connections-of-a-project): the
// token route and the engine's memory per connection, with the engine's `xshathra` namespace (every token also
// subscribes its connection to the project's control channel, one more presence entry per connection) and
// without it (the same deployment with the namespace left out of the engine's config). Both stacks run at once;
// token rounds alternate between them; medians. Ratios, never an asserted time.
//   LIVE_CONNECTIONS (1000), BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS as in run.mjs.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { hotPaths, loadOnce } from './load.mjs';
import { startStack } from './stack.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const CLIENTS = Number(process.env.LIVE_CONNECTIONS ?? 1000);
const BATCH = 100;

/** The deployment's namespaces without `xshathra`, as an operator's own engine config may be. */
function namespacesWithoutControl() {
  const config = JSON.parse(readFileSync(new URL('../deploy/centrifugo/config.json', import.meta.url), 'utf8'));
  return JSON.stringify(config.channel.namespaces.filter((namespace) => namespace.name !== 'xshathra'));
}

export async function runLiveCost() {
  const log = (line) => process.stderr.write(line + '\n');
  log('live-connection cost: starting two stacks (engine with and without the xshathra namespace)');
  const withControl = await startStack();
  const without = await startStack({ engineEnv: { CENTRIFUGO_CHANNEL_NAMESPACES: namespacesWithoutControl() } });
  try {
    await untilProbed(withControl, 'available');
    await untilProbed(without, 'missing');
    const targets = [
      { name: 'with the control channel', stack: withControl, runs: [] },
      { name: 'without (namespace absent)', stack: without, runs: [] },
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        target.runs.push(await loadOnce(hotPaths(target.stack).token, { seconds: SECONDS, connections: CONNECTIONS }));
      }
    }
    for (const target of targets) target.memory = await engineMemoryPerConnection(target.stack);
    return render(targets);
  } finally {
    await withControl.stop();
    await without.stop();
  }
}

async function untilProbed(stack, expected) {
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`${stack.appUrl}/health/ready`).then((response) => response.json());
    if (ready.details?.liveConnections?.namespace === expected) return;
    await sleep(100);
  }
  throw new Error(`the app did not report the engine's namespace as ${expected}`);
}

/** Engine RSS per connection: CLIENTS clients connected straight to the engine with tokens the app minted. */
async function engineMemoryPerConnection(stack) {
  const tokens = [];
  for (let i = 0; i < CLIENTS; i++) {
    const response = await fetch(`${stack.appUrl}/api/realtime/token`, {
      method: 'POST',
      headers: { Authorization: `apikey ${stack.serverKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: `user-${i}`, channels: ['public:lobby'] }),
    });
    tokens.push((await response.json()).token);
  }
  await sleep(2000);
  const before = rssKiB(stack.engine.process.pid);
  const sockets = [];
  const url = `${stack.engine.url.replace(/^http/, 'ws')}/connection/websocket`;
  for (let start = 0; start < tokens.length; start += BATCH) {
    sockets.push(...(await Promise.all(tokens.slice(start, start + BATCH).map((token) => openClient(url, token)))));
  }
  await sleep(3000);
  const after = rssKiB(stack.engine.process.pid);
  for (const socket of sockets) socket.terminate();
  return { connections: sockets.length, perConnectionKiB: (after - before) / sockets.length };
}

function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

/** One client speaking Centrifugo's JSON protocol; resolves once the engine has accepted its connect. */
function openClient(url, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, connect: { token } })));
    ws.once('error', reject);
    ws.on('message', (frame) => {
      for (const line of frame.toString().split('\n')) {
        if (line === '{}') ws.send('{}');
        else if (line && JSON.parse(line).id === 1) {
          const reply = JSON.parse(line);
          if (reply.error) reject(new Error(`connect refused: ${reply.error.code}`));
          else resolve(ws);
        }
      }
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function render(targets) {
  const [withControl, without] = targets;
  const rps = (target) => median(target.runs.map((run) => run.rps));
  const p99 = (target) => median(target.runs.map((run) => run.p99));
  const rows = targets.map(
    (target) =>
      `| ${target.name} | ${rps(target).toFixed(0)} | ${p99(target)} | ${(rps(target) / rps(without)).toFixed(2)}× | ${target.memory.perConnectionKiB.toFixed(1)} KiB (${target.memory.connections} connections) |`,
  );
  const markdown = `## The control channel's cost (live connections)

Two stacks at once, the same deployment but for the engine's \`xshathra\` namespace; ${ROUNDS} alternating rounds of
the token route (${CONNECTIONS} connections, ${SECONDS} s, medians), then ${CLIENTS} clients connected straight to each
engine with tokens minted by its app (the engine's resident memory before and after, per connection).

| engine | token req/s | token p99 ms | ratio | engine memory per connection |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

With the namespace, every token also names the control channel (a few bytes more to sign), and every connection
holds one more server-side subscription and one more presence entry in the engine:
${(withControl.memory.perConnectionKiB - without.memory.perConnectionKiB).toFixed(1)} KiB more per connection in this run.
`;
  return { table: rows.join('\n'), markdown };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { markdown } = await runLiveCost();
  process.stdout.write(markdown + '\n');
}
