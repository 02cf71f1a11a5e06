import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '../../src/platform/ports';

/**
 * A Redis for the specs where Redis is what is tested: REDIS_TEST_URL, else the machine's own on 6379, else
 * one the test run starts (globalSetup) from Debian's `redis-server`, which .ci/run installs.
 */
export const TEST_REDIS_URL = process.env.REDIS_TEST_URL;

/** Finds or starts a Redis for the run; returns its URL and how to stop what was started. */
export async function redisForTheRun(): Promise<{ url?: string; stop(): void }> {
  const none = { url: undefined, stop: () => undefined };
  if (process.env.REDIS_TEST_URL) return { url: process.env.REDIS_TEST_URL, stop: () => undefined };
  const local = 'redis://127.0.0.1:6379';
  if (await redisAnswers(local)) return { url: local, stop: () => undefined };
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) return none;
  const port = await freePort();
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url)) return { url, stop: () => server.kill() };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.kill();
  return none;
}

function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection(Number(port), hostname, () => socket.write('PING\r\n'));
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** `describe` for Redis specs: skipped loudly without a Redis, except under REQUIRE_REDIS=1 (CI). */
export function describeWithRedis(name: string, body: () => void): void {
  if (TEST_REDIS_URL) return describe(name, body);
  const hint = 'No Redis: install redis-server (apt-get install redis-server), run one on 6379, or set REDIS_TEST_URL.';
  if (process.env.REQUIRE_REDIS === '1') {
    describe(name, () =>
      it('needs a Redis (REQUIRE_REDIS=1)', () => {
        throw new Error(hint);
      }),
    );
    return;
  }
  process.stderr.write(`\n!!! SKIPPING "${name}": ${hint}\n\n`);
  describe.skip(name, body);
}
