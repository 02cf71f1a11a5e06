// What the app's /realtime/connection/websocket proxy costs: the app's memory per idle proxied connection;
// FANOUT_HOLD proxied connections held at once; then one channel fanned out to many WebSocket clients connected
// straight to the engine versus through the app (rounds alternating, medians of the rounds). `npm run bench`
// runs it after the HTTP paths and puts its section into docs/performance.md; `npm run bench:fanout` runs it
// alone and prints the tables. Never part of `npm test`; nothing here asserts a figure.
//   FANOUT_CLIENTS (2000), FANOUT_RATE (50 publishes/s), FANOUT_LIGHT_RATE (10 publishes/s: a load a 2-core
//   machine carries with the clients, the engine and the app on it), FANOUT_SECONDS (10), FANOUT_ROUNDS (3),
//   FANOUT_HOLD (10000)
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { startStack } from './stack.mjs';

const SETTINGS = {
  FANOUT_CLIENTS: Number(process.env.FANOUT_CLIENTS ?? 2000),
  FANOUT_RATE: Number(process.env.FANOUT_RATE ?? 50),
  FANOUT_LIGHT_RATE: Number(process.env.FANOUT_LIGHT_RATE ?? 10),
  FANOUT_SECONDS: Number(process.env.FANOUT_SECONDS ?? 10),
  FANOUT_ROUNDS: Number(process.env.FANOUT_ROUNDS ?? 3),
  FANOUT_HOLD: Number(process.env.FANOUT_HOLD ?? 10000),
};
const { FANOUT_CLIENTS: CLIENTS, FANOUT_SECONDS: SECONDS, FANOUT_ROUNDS: ROUNDS, FANOUT_HOLD: HOLD } = SETTINGS;
/** The issue's load first, then a lighter one, where the proxy's own cost shows without a saturated machine. */
const RATES = [SETTINGS.FANOUT_RATE, SETTINGS.FANOUT_LIGHT_RATE];
/** Handshakes in flight at once: the connect storm is not what is measured, and must not fail. */
const BATCH = 200;
/** The deployed `public` namespace (history, presence): server-side subscriptions through the token's `channels`. */
const CHANNEL = 'public:bench-fanout';
/** After the last publish, deliveries still trickling in are awaited; once none arrives for this long, the rest are lost. */
const STALL_MS = 2000;
/** A short unrecorded round per target first: the first proxied pushes run cold code in the app (and here). */
const WARMUP_SECONDS = 2;
/** Idle time before reading memory: the handshakes' buffers and timers are gone, only the connections remain. */
const IDLE_MS = 5000;
const HOLD_MS = 5000;
/** Each proxied WebSocket costs the app two descriptors (client side and engine side); the rest is margin. */
const APP_FDS_NEEDED = 2 * Math.max(HOLD, CLIENTS) + 1000;
/** Above FANOUT_HOLD, so that the app's own cap never refuses a connection the bench opens. */
const MAX_PROXIED = Math.max(20_000, HOLD + 1);
const METRICS_TOKEN = randomBytes(24).toString('base64url');
const GC_ON_MESSAGE = "data:text/javascript,process.on('message',(m)=>m==='gc'&&gc());process.channel?.unref()";
const APP_ENV = {
  METRICS_TOKEN,
  MAX_PROXIED_WEBSOCKETS: String(MAX_PROXIED),
  // Every bench client connects from 127.0.0.1: the per-address cap must not refuse them either.
  MAX_PROXIED_WEBSOCKETS_PER_ADDRESS: String(MAX_PROXIED),
  // The IPC message 'gc' (stack.app.send) makes the app collect its garbage before a memory reading. Not a signal:
  // Nest's shutdown hooks take SIGUSR2 as well. The channel is unref'd so that it alone never keeps the app up.
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import=${GC_ON_MESSAGE}`.trim(),
};
const engineAgent = new Agent({ keepAlive: true });
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** What the app needs for this bench (metrics for memory readings, a cap above FANOUT_HOLD, GC on request). */
export { APP_ENV as FANOUT_APP_ENV };

/**
 * The load bench/profile.mjs profiles the proxy under: `clients` WebSocket clients through the app, `rate`
 * publishes a second for `seconds`; the hooks mark the publishing and delivery (connects and closes excluded).
 */
export function relayThroughApp(stack, { clients, rate, seconds }, hooks) {
  const tokens = Array.from({ length: clients }, (_, i) => connectionToken(stack.secret, `profile-${i}`));
  const url = `${stack.appUrl.replace(/^http/, 'ws')}/realtime/connection/websocket`;
  return fanoutOnce(stack, url, tokens, seconds, rate, hooks);
}

/** Runs the fan-out bench on its own stack; returns its tables and its docs/performance.md section. */
export async function runFanout() {
  for (const [name, value] of Object.entries(SETTINGS)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${process.env[name]}"`);
  }
  const fdLimit = raiseFdLimit(APP_FDS_NEEDED); // before startStack: the engine and the app inherit it
  const stack = await startStack({ env: APP_ENV });
  let stopping = false;
  const stop = () => {
    stopping = true;
    return stack.stop();
  };
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().finally(() => process.exit(143)));
  // A dead engine explains every error that follows; say so first.
  stack.engine.process.once('exit', (code, signal) => {
    if (!stopping) log(`The engine exited (${signal ?? code}):\n${stack.engine.output().slice(-2000)}`);
  });
  try {
    const tokens = Array.from({ length: Math.max(CLIENTS, HOLD) }, (_, i) => connectionToken(stack.secret, `bench-${i}`));
    const targets = [
      { name: 'Centrifugo direct', url: `${stack.engine.url.replace(/^http/, 'ws')}/connection/websocket` },
      { name: 'through the app', url: `${stack.appUrl.replace(/^http/, 'ws')}/realtime/connection/websocket`, ours: true },
    ];
    // Memory first: the rounds' traffic would leave the app's RSS inflated by buffers freed but not returned.
    const memory = await memoryPerConnection(stack, targets[1].url, tokens);
    const hold = await holdConnections(stack, targets[1].url, tokens, memory.before);
    const fanout = [];
    for (const rate of RATES) fanout.push({ rate, rows: await fanoutRounds(stack, targets, tokens, rate) });
    return render({ fanout, memory, hold, fdLimit });
  } finally {
    await stop();
  }
}

// ---- memory per idle proxied connection ----

/** The app's memory with no clients, then with CLIENTS idle proxied ones. */
async function memoryPerConnection(stack, url, tokens) {
  // The first proxied connections load and compile the proxy's code: not a cost per connection.
  await closeClients(stack, (await connectClients(url, tokens.slice(0, BATCH), () => {})).sockets);
  await sleep(IDLE_MS);
  const before = await appMemory(stack);
  const { sockets, failures } = await connectClients(url, tokens.slice(0, CLIENTS), () => {});
  await sleep(IDLE_MS);
  const after = await appMemory(stack);
  await closeClients(stack, sockets);
  if (sockets.length === 0) throw new Error(`No client could connect to ${url}: ${describeFailures(failures)}`);
  log(`memory: ${sockets.length} idle proxied clients, RSS ${mib(before.rss)} → ${mib(after.rss)} MiB`);
  return { before, after, clients: sockets.length, ...perConnection(before, after, sockets.length) };
}

/**
 * After a full GC in the app (see APP_ENV) and a moment for the allocator: VmRSS from /proc (read
 * before the scrape, which allocates), then heap used and the live proxied count from /metrics.
 */
export async function appMemory(stack) {
  stack.app.send('gc');
  await sleep(500);
  const rss = 1024 * Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${stack.app.pid}/status`, 'utf8'))[1]);
  // At its open-files limit the app cannot accept the scrape's connection: RSS is still known, the heap is not.
  const metrics = await appMetrics(stack).catch(() => ({}));
  return { rss, heapUsed: metrics.nodejs_heap_size_used_bytes ?? NaN, proxied: metrics.xshathra_proxied_websockets };
}

const perConnection = (before, after, count) => ({
  rssPerConnection: (after.rss - before.rss) / count,
  heapPerConnection: (after.heapUsed - before.heapUsed) / count,
});

// ---- FANOUT_HOLD proxied connections on one instance ----

async function holdConnections(stack, url, tokens, before) {
  const { sockets, failures } = await connectClients(url, tokens.slice(0, HOLD), () => {});
  log(`hold: ${sockets.length}/${HOLD} proxied clients connected${failures.size ? ` (failures: ${describeFailures(failures)})` : ''}`);
  await sleep(HOLD_MS);
  const held = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  const after = await appMemory(stack);
  const fds = { app: fdCount(stack.app.pid), engine: fdCount(stack.engine.process.pid), bench: fdCount(process.pid) };
  const limits = fdLimits(stack.app.pid);
  await closeClients(stack, sockets);
  return { held, failures, after, fds, limits, ...perConnection(before, after, held || 1) };
}

const fdCount = (pid) => readdirSync(`/proc/${pid}/fd`).length;

/** The soft and hard limits on open files ('unlimited' as Infinity). */
function fdLimits(pid) {
  const limits = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  const [soft, hard] = limits.slice(1).map((value) => (value === 'unlimited' ? Infinity : Number(value)));
  return { soft, hard };
}

/**
 * The app needs two descriptors per proxied WebSocket, so FANOUT_HOLD=10000 does not fit a limit of 20000.
 * Raises this process's limit, which the engine and the app inherit, with prlimit. Raising the hard limit
 * needs root with CAP_SYS_RESOURCE; without it, the soft limit goes as far as the hard one.
 */
function raiseFdLimit(needed) {
  const before = fdLimits(process.pid);
  if (before.soft >= needed) return { before, after: before, note: 'enough, left as it was' };
  let why = '';
  try {
    setFdLimit(needed, Math.max(needed, before.hard));
  } catch (error) {
    why = String(error.stderr || error.message).trim();
    if (before.soft < before.hard) setFdLimit(before.hard, before.hard);
  }
  const after = fdLimits(process.pid);
  if (after.soft >= needed) return { before, after, note: `raised with prlimit to fit ${needed}` };
  const note = `could not reach the ${needed} needed (${why}): the app tops out near ${Math.floor(after.soft / 2)} proxied WebSockets`;
  log(`fd limit: ${note}`);
  return { before, after, note };
}

const setFdLimit = (soft, hard) =>
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${limit(soft)}:${limit(hard)}`], { stdio: 'pipe' });
const limit = (value) => (value === Infinity ? 'unlimited' : String(value));

// ---- fan-out latency ----

/** Rounds alternate between the targets, so that drift of the machine (other load, heat) hits both alike. */
async function fanoutRounds(stack, targets, tokens, rate) {
  for (const target of targets) await fanoutOnce(stack, target.url, tokens.slice(0, BATCH), WARMUP_SECONDS, rate);
  const samples = new Map(targets.map((target) => [target, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of targets) {
      const result = await fanoutOnce(stack, target.url, tokens.slice(0, CLIENTS), SECONDS, rate);
      samples.get(target).push(result);
      log(
        `fan-out ${rate}/s · round ${round} · ${target.name}: ${result.clients}/${CLIENTS} clients, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, ` +
          `max ${ms(result.max)} ms, received ${result.received}/${result.expected}, ` +
          (result.dropped ? `${result.dropped} dropped, ` : '') +
          `CPU cores busy: bench ${cores(result.cpu.bench)}, engine ${cores(result.cpu.engine)}, app ${cores(result.cpu.app)}`,
      );
    }
  }
  return targets.map((target) => ({ target, ...summarise(samples.get(target)) }));
}

/** One round: connect the clients, publish `rate` a second for `seconds`, wait for the stragglers, close everything. */
async function fanoutOnce(stack, url, tokens, seconds, rate, { onPublishing, onDelivered } = {}) {
  let deliveries; // created once every client is in: pushes before that are none of ours
  const onPush = (client, push, now) => {
    const data = push.pub?.data;
    if (deliveries && push.channel === CHANNEL && data) deliveries.record(client, data.seq, now - data.t);
  };
  const { sockets, failures } = await connectClients(url, tokens, onPush);
  if (sockets.length === 0) throw new Error(`No client could connect to ${url}: ${describeFailures(failures)}`);
  deliveries = new Deliveries(tokens.length, rate * seconds);
  await sleep(1000); // the last batch's subscriptions settle on the engine
  const cpu = cpuMeter(stack);
  onPublishing?.();
  const published = await publishAll(stack, seconds, rate);
  const expected = published * sockets.length;
  await drain(deliveries, expected);
  onDelivered?.();
  const busy = cpu.read();
  const dropped = sockets.filter((ws) => ws.readyState !== WebSocket.OPEN).length;
  await closeClients(stack, sockets);
  return { clients: sockets.length, expected, received: deliveries.count, dropped, cpu: busy, ...deliveries.percentiles() };
}

/** Which publication each client got (a duplicate counts once) and how long each took. */
class Deliveries {
  constructor(clients, publications) {
    this.publications = publications;
    this.seen = new Uint8Array(clients * publications);
    this.latencies = new Float64Array(clients * publications);
    this.count = 0;
  }

  record(client, seq, latency) {
    const slot = client * this.publications + seq;
    if (this.seen[slot]) return;
    this.seen[slot] = 1;
    this.latencies[this.count++] = latency;
  }

  percentiles() {
    const sorted = this.latencies.subarray(0, this.count).sort();
    const at = (q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
    return { p50: at(0.5), p99: at(0.99), max: at(1) };
  }
}

/**
 * Cores each process kept busy from now until read(): all three share the machine, so a saturated bench
 * (the clients' side) or a saturated engine shows up here rather than as a mystery in the latencies.
 */
function cpuMeter(stack) {
  const pids = { bench: process.pid, engine: stack.engine.process.pid, app: stack.app.pid };
  const start = { at: performance.now(), ...mapValues(pids, cpuSeconds) };
  return {
    read: () => {
      const seconds = (performance.now() - start.at) / 1000;
      return mapValues(pids, (pid, name) => (cpuSeconds(pid) - start[name]) / seconds);
    },
  };
}

/** User + system CPU time of a process, from /proc/<pid>/stat (fields 14 and 15, in clock ticks). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may hold spaces; fields[0] is field 3
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const mapValues = (object, fn) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value, key)]));

/** Waits for the deliveries in flight (a saturated machine may take seconds) until all are in or they stop coming. */
async function drain(deliveries, expected) {
  let last = { count: -1, at: 0 };
  while (deliveries.count < expected) {
    if (deliveries.count !== last.count) last = { count: deliveries.count, at: performance.now() };
    else if (performance.now() - last.at > STALL_MS) return;
    await sleep(50);
  }
}

/**
 * `rate` publishes a second for `seconds`, straight to the engine's HTTP API, on a fixed schedule (a slow answer
 * does not delay the next publish). Each carries its sequence number and its send time: the clients live in
 * this thread, so performance.now() is one clock for both ends. Resolves to how many the engine accepted.
 */
async function publishAll(stack, seconds, rate) {
  const start = performance.now();
  const answers = [];
  for (let seq = 0; seq < rate * seconds; seq++) {
    const wait = start + (seq * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    answers.push(engineApi(stack, 'publish', { channel: CHANNEL, data: { seq, t: performance.now() } }));
  }
  const results = await Promise.allSettled(answers);
  const accepted = results.filter((answer) => answer.status === 'fulfilled' && answer.value.result).length;
  if (accepted < results.length) log(`  ${results.length - accepted} of ${results.length} publishes failed`);
  return accepted;
}

/** Medians of the rounds' figures (the middle round for an odd count, the upper middle for an even one); deliveries summed. */
function summarise(rounds) {
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const medianOf = (key) => median(rounds.map((round) => round[key]));
  const sum = (key) => rounds.reduce((total, round) => total + round[key], 0);
  return {
    clients: medianOf('clients'),
    p50: medianOf('p50'),
    p99: medianOf('p99'),
    max: medianOf('max'),
    expected: sum('expected'),
    received: sum('received'),
    cpu: mapValues(rounds[0].cpu, (_, name) => median(rounds.map((round) => round.cpu[name]))),
  };
}

// ---- WebSocket clients ----

/** Opens the clients BATCH at a time; a client counts once its connect reply has arrived. */
async function connectClients(url, tokens, onPush) {
  const sockets = [];
  const failures = new Map();
  for (let start = 0; start < tokens.length; start += BATCH) {
    const batch = tokens.slice(start, start + BATCH).map((token, i) => openClient(url, token, (push, now) => onPush(start + i, push, now)));
    for (const outcome of await Promise.allSettled(batch)) {
      if (outcome.status === 'fulfilled') sockets.push(outcome.value);
      else failures.set(outcome.reason.message, (failures.get(outcome.reason.message) ?? 0) + 1);
    }
  }
  return { sockets, failures };
}

/**
 * One client speaking Centrifugo's JSON protocol over a raw `ws` socket (cheaper than centrifuge-js with
 * thousands of clients in one process). Resolves once the connect reply shows the subscription to CHANNEL.
 */
function openClient(url, token, onPush) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const fail = (error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('no connect reply within 10 s')), 10_000);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, connect: { token } })));
    ws.once('error', fail);
    ws.once('close', (code, reason) => fail(new Error(`closed before the connect reply: ${code} ${reason}`)));
    ws.on('message', (frame) => {
      const now = performance.now(); // once per frame, before the parsing
      // Several replies and pushes may share a frame, one JSON document a line.
      for (const line of frame.toString().split('\n')) {
        if (line === '{}') {
          ws.send('{}'); // the server's ping (every 25 s): without the pong it disconnects us
        } else if (line) {
          handleReply(JSON.parse(line), now);
        }
      }
    });

    function handleReply(reply, now) {
      if (reply.push) return onPush(reply.push, now);
      if (reply.id !== 1) return;
      if (reply.error) return fail(new Error(`connect refused: ${reply.error.code} ${reply.error.message}`));
      if (!reply.connect?.subs?.[CHANNEL]) return fail(new Error(`connect reply without the subscription to ${CHANNEL}`));
      clearTimeout(timer);
      resolve(ws);
    }
  });
}

/** Closes the clients and waits until neither the app nor the engine counts any connection. */
async function closeClients(stack, sockets) {
  for (const ws of sockets) ws.terminate();
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(250)) {
    // Right after closing thousands, the app may still be at its open-files limit and refuse the scrape: ask again.
    const counts = await Promise.all([appMetrics(stack), engineApi(stack, 'info', {})]).catch(() => undefined);
    if (!counts) continue;
    const [proxied, engine] = counts;
    const engineClients = engine.result.nodes.reduce((sum, node) => sum + node.num_clients, 0);
    if (proxied.xshathra_proxied_websockets === 0 && engineClients === 0) return;
  }
  log('  connections still open 15 s after closing the clients; going on');
}

/** An HS256 connection JWT as the app mints it: the user, an hour, the server-side subscription. */
function connectionToken(secret, userId) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { sub: userId, exp: Math.floor(Date.now() / 1000) + 3600, channels: [CHANNEL] };
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const describeFailures = (failures) => [...failures].map(([message, count]) => `${count}× ${message}`).join('; ');

// ---- HTTP: the engine's API and the app's metrics ----

function engineApi(stack, method, body) {
  const headers = { 'X-API-Key': stack.engineApiKey, 'Content-Type': 'application/json' };
  return httpJson(`${stack.engine.url}/api/${method}`, { method: 'POST', headers, agent: engineAgent }, JSON.stringify(body));
}

/** The unlabelled series of the app's /metrics (the ones read here have no labels). */
async function appMetrics(stack) {
  const text = await httpText(`${stack.appUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  return Object.fromEntries([...text.matchAll(/^(\w+) (\S+)$/gm)].map(([, name, value]) => [name, Number(value)]));
}

const httpJson = async (url, options, body) => JSON.parse(await httpText(url, options, body));

function httpText(url, options, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${url}: HTTP ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// ---- report ----

function render({ fanout, memory, hold, fdLimit }) {
  const lines = [
    ...fanout.flatMap(({ rate, rows }) => fanoutTable(rate, rows)),
    `\n### App memory per idle proxied connection (${memory.clients} clients)\n`,
    '| measure | no clients | with the clients | per connection |',
    '| --- | --- | --- | --- |',
    `| RSS (VmRSS) | ${mib(memory.before.rss)} MiB | ${mib(memory.after.rss)} MiB | ${kb(memory.rssPerConnection)} KB |`,
    `| V8 heap used | ${mib(memory.before.heapUsed)} MiB | ${mib(memory.after.heapUsed)} MiB | ${kb(memory.heapPerConnection)} KB |`,
    `\n### ${HOLD} proxied connections on one instance\n`,
    '| held | app RSS | RSS per connection | heap used per connection | app fds | app fd limit (soft/hard) | engine fds | bench fds |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${hold.held}/${HOLD} | ${mib(hold.after.rss)} MiB | ${kb(hold.rssPerConnection)} KB | ${kb(hold.heapPerConnection)} KB | ` +
      `${hold.fds.app} | ${limit(hold.limits.soft)}/${limit(hold.limits.hard)} | ${hold.fds.engine} | ${hold.fds.bench} |`,
  ];
  if (hold.failures.size) lines.push(`\nConnections that failed: ${describeFailures(hold.failures)}.`);
  const table = lines.join('\n');
  const env = Object.entries(SETTINGS)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const markdown = `## Fan-out through the realtime proxy

Measured by \`bench/fanout.mjs\` on a local Centrifugo and the app with every feature on (bench/stack.mjs).

- Fan-out: raw \`ws\` clients in one Node process speak Centrifugo's JSON protocol, subscribed server-side to
  \`${CHANNEL}\` by their connection token, connected ${BATCH} at a time. A publisher in the same process posts
  ${RATES.join(', then ')} publishes/s to the engine's HTTP API (\`/api/publish\`), each with a sequence number and its send time;
  latency runs from that send to the client's receipt of the frame. Rounds alternate between connecting straight
  to the engine and through the app's \`/realtime/connection/websocket\`, after one short unrecorded round each;
  the table holds the medians of the rounds, deliveries summed. A delivery still missing ${STALL_MS / 1000} s after
  the last one arrived is lost, and a row with lost deliveries does not count.
- Cores busy: each process's CPU time over a round's publishing and delivery. The clients, the publisher, the
  engine and the app share the machine's cores, so the latencies are relative figures; a bench near one core
  means the clients themselves were the bottleneck.
- Memory: the app's VmRSS and V8 heap used (from /metrics), each read after ${IDLE_MS / 1000} s of idleness and a
  full GC (the bench starts the app with \`--expose-gc\` and has it collect on an IPC message). The baseline has no
  clients, after a first batch of proxied connections (opened and closed) has warmed the code up; the held
  connections are compared with the same baseline. RSS counts what the heap does not (native socket buffers), but
  a few hundred connections may fit in pages the app had already committed: RSS per connection means something
  with thousands of connections.

Settings: ${env}.
File descriptors: the app holds two per proxied WebSocket (client and engine side), the engine and the bench one
each. The bench's limit was ${limit(fdLimit.before.soft)}/${limit(fdLimit.before.hard)} (soft/hard), ${fdLimit.note}; the engine and the app
inherit it (now ${limit(fdLimit.after.soft)}/${limit(fdLimit.after.hard)}). The app runs with MAX_PROXIED_WEBSOCKETS=${MAX_PROXIED}.

${table}
`;
  return { table, markdown };
}

/** One load's rows: latency, deliveries, the ratio to direct, and what each process used of the machine. */
function fanoutTable(rate, rows) {
  const [direct] = rows;
  return [
    `### Fan-out: ${CLIENTS} clients on one channel, ${rate} publishes/s for ${SECONDS} s, median of ${ROUNDS} rounds\n`,
    '| target | clients | p50 ms | p99 ms | max ms | expected | received | lost | p99 vs direct | cores busy: bench/engine/app |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.target.ours ? `**${row.target.name}**` : row.target.name} | ${row.clients} | ` +
        `${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} | ` +
        `${row.expected} | ${row.received} | ${row.expected - row.received} | ${(row.p99 / direct.p99).toFixed(2)}× | ` +
        `${cores(row.cpu.bench)} / ${cores(row.cpu.engine)} / ${cores(row.cpu.app)} |`,
    ),
    '',
  ];
}

const ms = (value) => value.toFixed(2);
const cores = (value) => value.toFixed(2);
const kb = (bytes) => (Number.isNaN(bytes) ? 'n/a' : (bytes / 1024).toFixed(1));
const mib = (bytes) => (Number.isNaN(bytes) ? 'n/a' : (bytes / 2 ** 20).toFixed(1));
const log = (line) => process.stderr.write(`${line}\n`);

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  runFanout()
    .then((report) => process.stdout.write(`${report.table}\n`))
    .catch((error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    });
}
