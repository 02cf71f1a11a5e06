import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** An older Node on this machine (the system's, not the project's own Node 24), if there is one. */
function olderNode(): { path: string; version: string } | undefined {
  for (const path of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (!existsSync(path)) continue;
    const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (Number(version.split('.')[0]) < 24) return { path, version };
  }
  return undefined;
}

const older = olderNode();
if (!older) process.stderr.write('\n!!! SKIPPING the old-Node test: no Node older than 24 on this machine\n\n');

/** `node dist/src/main.js` and friends run directly with an older Node: one clear line, not a crash inside undici. */
(older ? describe : describe.skip)('the entry points on an unsupported Node', () => {
  it.each(['main.js', 'dev.js', 'cli.js'])('%s stops with one line saying to run it through npm', async (entry) => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(older!.path, [join(__dirname, '..', 'dist', 'src', entry), 'projects', 'list'], { timeout: 30_000 }, (error, out, err) =>
        resolve({ code: error ? Number(error.code) : 0, stdout: out, stderr: err }),
      );
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `Xshathra Realtime needs Node.js 24 or newer (this is v${older!.version}): run it through npm ` +
        "(npm run dev, npm start, npm run cli), which uses the project's own Node 24.\n",
    );
  });
});
