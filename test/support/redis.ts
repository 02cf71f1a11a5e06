import { execFileSync } from 'node:child_process';

/** A Redis for the specs where Redis is what is tested: REDIS_TEST_URL, else the machine's own on 6379. */
export const TEST_REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

function redisAnswers(): boolean {
  try {
    const { hostname, port } = new URL(TEST_REDIS_URL);
    // A PING over a plain TCP connection, in a child process so that the check stays synchronous.
    const script = `const s=require('net').connect(${Number(port) || 6379},'${hostname}',()=>s.write('PING\\r\\n'));s.on('data',d=>process.exit(d.toString().startsWith('+PONG')?0:1));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),1000);`;
    execFileSync(process.execPath, ['-e', script], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `describe` for Redis specs: skipped loudly without a Redis, except under REQUIRE_REDIS=1 (CI). */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisAnswers()) return describe(name, body);
  const hint = `No Redis answers at ${TEST_REDIS_URL}: install redis-server (apt-get install redis-server) or set REDIS_TEST_URL.`;
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
