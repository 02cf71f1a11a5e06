// What the debug feed costs (the console's Debug page): nothing but one set lookup per event when nobody
// watches, and how much when a console watches. On one stack, token rounds alternate between nobody watching and
// a console watching the bench project (a client connected with the watcher token, as the console connects); the
// lookup itself is timed in this process on the built class. Ratios and medians, never an asserted time.
//   BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS as in run.mjs.
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { hotPaths, loadOnce } from './load.mjs';
import { startStack } from './stack.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
/** Longer than the feed's poll (2 s): every instance has seen the watcher come or go. */
const SETTLE_MS = 3000;
const LOOKUPS = 5_000_000;

export async function runDebugCost() {
  const log = (line) => process.stderr.write(line + '\n');
  log('debug feed cost: one stack, rounds alternating between nobody watching and a console watching');
  const lookupNs = timeUnwatchedLookup();
  const stack = await startStack();
  try {
    const token = hotPaths(stack).token;
    const targets = [
      { name: 'nobody watching', watch: false, runs: [], events: [] },
      { name: 'a console watching this project', watch: true, runs: [], events: [] },
    ];
    await loadOnce(token, { seconds: 2, connections: CONNECTIONS }); // warms the app up; not recorded
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        const watcher = target.watch ? await openWatcher(stack) : undefined;
        await sleep(SETTLE_MS);
        const received = watcher?.received ?? { events: 0, dropped: 0 };
        const run = await loadOnce(token, { seconds: SECONDS, connections: CONNECTIONS });
        await sleep(500); // the last batch
        target.runs.push(run);
        target.events.push(received.events + received.dropped > 0 ? received : undefined);
        watcher?.socket.terminate();
      }
    }
    return render(targets, lookupNs);
  } finally {
    await stack.stop();
  }
}

/** ns per `isWatched` of a project nobody watches, with 1,000 other projects watched: all an event costs then. */
function timeUnwatchedLookup() {
  const { DebugFeed } = createRequire(import.meta.url)('../dist/src/domain/live/debug-feed.js');
  const feed = new DebugFeed({ configured: false }, {}, {}, { now: Date.now });
  feed.watched = new Set(Array.from({ length: 1000 }, () => randomUUID()));
  const ids = Array.from({ length: 1024 }, () => randomUUID());
  let hits = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < LOOKUPS; i++) if (feed.isWatched(ids[i & 1023])) hits++;
  const ns = Number(process.hrtime.bigint() - started) / LOOKUPS;
  if (hits !== 0) throw new Error('an unwatched project was reported watched');
  return ns;
}

/** A console's connection: the watcher token the admin route would give (same claims), on the engine. */
function openWatcher(stack) {
  const iat = Math.floor(Date.now() / 1000);
  const token = hs256(stack.secret, {
    sub: 'xshathra-console',
    iat,
    exp: iat + 600,
    channels: [`xshathra:debug.${stack.projectId}`, 'xshathra:debug-watchers'],
    info: { project: stack.projectId },
  });
  const received = { events: 0, dropped: 0 };
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${stack.engine.url.replace(/^http/, 'ws')}/connection/websocket`, { perMessageDeflate: false });
    socket.once('open', () => socket.send(JSON.stringify({ id: 1, connect: { token } })));
    socket.once('error', reject);
    socket.on('message', (frame) => {
      for (const line of frame.toString().split('\n')) {
        if (!line) continue;
        if (line === '{}') socket.send('{}');
        const message = JSON.parse(line);
        if (message.id === 1)
          return message.error ? reject(new Error(`watcher refused: ${message.error.code}`)) : resolve({ socket, received });
        const batch = message.push?.pub?.data;
        if (batch?.events) {
          received.events += batch.events.length;
          received.dropped += batch.dropped ?? 0;
        }
      }
    });
  });
}

function hs256(secret, claims) {
  const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function render(targets, lookupNs) {
  const [nobody] = targets;
  const rps = (target) => median(target.runs.map((run) => run.rps));
  const p99 = (target) => median(target.runs.map((run) => run.p99));
  const delivered = (target) => {
    const counted = target.events.filter(Boolean);
    if (counted.length === 0) return 'none';
    const events = median(counted.map((received) => received.events));
    const dropped = median(counted.map((received) => received.dropped));
    return `${(events / SECONDS).toFixed(0)}/s shown, ${(dropped / SECONDS).toFixed(0)}/s left out`;
  };
  const rows = targets.map(
    (target) =>
      `| ${target.name} | ${rps(target).toFixed(0)} | ${p99(target)} | ${(rps(target) / rps(nobody)).toFixed(2)}× | ${delivered(target)} |`,
  );
  const requestNs = 1e9 / rps(nobody);
  const markdown = `## The debug feed's cost

One stack; ${ROUNDS} rounds of the token route (${CONNECTIONS} connections, ${SECONDS} s, medians) alternating between
nobody watching and a console watching the bench project (connected with the watcher token, ${SETTLE_MS / 1000} s given
for every instance to see it come or go).

| debug feed | token req/s | token p99 ms | ratio | events delivered to the console |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Nobody watching: all an event costs is one set lookup, ${lookupNs.toFixed(1)} ns in this run (timed on the built class with
1,000 other projects watched), ${((lookupNs / requestNs) * 100).toFixed(3)}% of a token request's ${(requestNs / 1000).toFixed(0)} µs at the rate
above; nothing is built, queued or sent. Each instance asks the engine which projects are watched every 2 s: one
presence call on one channel, whatever the number of projects. A console watching a project at full load costs that
project's requests the event objects, one engine call per 250 ms for all watched projects, and the watcher's own
deliveries; at most 200 events per project per 250 ms are carried, the rest counted as left out.
`;
  return { table: rows.join('\n'), markdown };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { markdown } = await runDebugCost();
  process.stdout.write(markdown + '\n');
}
