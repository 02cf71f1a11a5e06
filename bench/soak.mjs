// `npm run bench:soak [-- <main.js>]`: the app's memory at rest, and after SOAK_SECONDS (300) of the token route
// at its peak (BENCH_CONNECTIONS, 64, as fast as the app answers), each read after 5 s of idleness and a full
// GC (VmRSS, and V8's heap used from /metrics; see bench/fanout.mjs). Growth over the soak would be a leak: one
// object kept per request. Writes docs/soak.md when run on this tree's build; another build's main.js (e.g. a
// build of an earlier commit, see bench/ab.mjs) gives its figures for comparison. Never part of `npm test`.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appMemory, FANOUT_APP_ENV } from './fanout.mjs';
import { hotPaths, loadOnce } from './load.mjs';
import { startStack } from './stack.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const IDLE_MS = 5000;
const SLICE_SECONDS = 30;
const OURS = resolve('dist/src/main.js');

async function main() {
  const script = resolve(process.argv[2] ?? OURS);
  const stack = await startStack({ script, env: FANOUT_APP_ENV });
  const log = (line) => process.stderr.write(line + '\n');
  try {
    const token = hotPaths(stack).token;
    // One request first: the key is then known to be valid, and a burst of first requests is not counted as
    // failed authentications against 127.0.0.1 (which would also block the /metrics scrape; see AuthGuard).
    await fetch(token.url, { method: 'POST', headers: token.headers, body: token.body });
    await loadOnce(token, { seconds: 3, connections: CONNECTIONS }); // JIT, caches, pools: what any running app has
    await sleep(IDLE_MS);
    const idle = await appMemory(stack);
    log(`idle: RSS ${mib(idle.rss)} MiB, heap used ${mib(idle.heapUsed)} MiB`);
    // In slices, with the RSS after each: growth that levels off is the allocator settling, steady growth a leak.
    const slices = [];
    for (let done = 0; done < SECONDS; done += SLICE_SECONDS) {
      const result = await loadOnce(token, { seconds: Math.min(SLICE_SECONDS, SECONDS - done), connections: CONNECTIONS });
      slices.push({ ...result, rss: vmRss(stack.app.pid) });
      log(`soak: ${done + SLICE_SECONDS} s, ${result.rps.toFixed(0)} req/s, RSS ${mib(slices.at(-1).rss)} MiB`);
    }
    const load = {
      rps: slices.reduce((sum, slice) => sum + slice.rps, 0) / slices.length,
      p99: Math.max(...slices.map((slice) => slice.p99)),
      errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    };
    await sleep(IDLE_MS);
    const after = await appMemory(stack);
    log(`after: RSS ${mib(after.rss)} MiB, heap used ${mib(after.heapUsed)} MiB`);
    const requests = Math.round(load.rps * SECONDS);
    const table = [
      '| reading | RSS (VmRSS) | V8 heap used |',
      '| --- | --- | --- |',
      `| idle, after a 3 s warm-up | ${mib(idle.rss)} MiB | ${mib(idle.heapUsed)} MiB |`,
      `| idle, after the soak | ${mib(after.rss)} MiB | ${mib(after.heapUsed)} MiB |`,
      `| growth | ${mib(after.rss - idle.rss)} MiB | ${mib(after.heapUsed - idle.heapUsed)} MiB (${((after.heapUsed - idle.heapUsed) / requests).toFixed(3)} B per request) |`,
    ].join('\n');
    const summary = `The token route for ${SECONDS} s at ${CONNECTIONS} connections: ${requests} requests (${load.rps.toFixed(0)} req/s, worst p99 of a slice ${load.p99} ms, ${load.errors} errors). RSS under load, every ${SLICE_SECONDS} s (MiB): ${slices.map((slice) => mib(slice.rss)).join(', ')}.`;
    process.stdout.write(`${summary}\n\n${table}\n`);
    if (script === OURS) {
      writeFileSync(
        new URL('../docs/soak.md', import.meta.url),
        `# Memory soak\n\nWritten by \`npm run bench:soak\` (bench/soak.mjs). ${summary} Each reading after ${IDLE_MS / 1000} s of idleness and a full GC.\n\n${table}\n`,
      );
    }
  } finally {
    await stack.stop();
  }
}

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const vmRss = (pid) => 1024 * Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
