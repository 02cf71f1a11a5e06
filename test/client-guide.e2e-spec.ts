import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { excerptsOf } from './support/docs';
import { describeWithEngine, startEngineAndApp, TestEngine } from './support/engine';
import { childEnv, runCli } from './support/processes';

const run = promisify(execFile);

describe('code in the docs', () => {
  it.each(['README.md', 'docs/client-integration.md'])('%s quotes its examples exactly', (doc) => {
    const excerpts = excerptsOf(doc);
    expect(excerpts.length).toBeGreaterThan(0);
    for (const { source, code } of excerpts) {
      expect(readFileSync(source, 'utf8')).toContain(code);
    }
  });
});

/** docs/client-integration.md, followed from a blank Node project: npm init, npm install, the example. */
describeWithEngine('the client integration guide from a blank Node project', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let project: string;
  let serverApiKey: string;
  let origin: string;

  beforeAll(async () => {
    ({ engine, app, serverApiKey } = await startEngineAndApp('Guide'));
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

    project = mkdtempSync(join(tmpdir(), 'xshathra-guide-'));
    await run('npm', ['init', '-y'], { cwd: project });
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', 'centrifuge@5', 'ws@8'], {
      cwd: project,
      timeout: 120_000,
    });
    copyFileSync('examples/node-client.mjs', join(project, 'client.mjs'));
  }, 150_000);
  afterAll(async () => {
    rmSync(project, { recursive: true, force: true });
    await app?.close();
    await engine?.stop();
  });

  it.each(['public', 'private'])('receives a publication on a %s channel', async (namespace) => {
    const channel = `${namespace}:${randomUUID()}`;
    const child = spawn(process.execPath, ['client.mjs', '--once'], {
      cwd: project,
      env: { ...process.env, XSHATHRA_ORIGIN: origin, XSHATHRA_SERVER_API_KEY: serverApiKey, XSHATHRA_CHANNEL: channel },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    const deadline = Date.now() + 10_000;
    while (!output.includes(`subscribed to ${channel}`)) {
      if (Date.now() > deadline) throw new Error(`the example did not subscribe:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', `apikey ${serverApiKey}`)
      .send({ channel, data: { type: 'ping', at: '2026-03-30T12:00:00.000Z' } })
      .expect(200);
    expect(await exited).toBe(0);
    expect(output).toMatch(/^project guide(-\d+)? \(channels \*:\*, \*\)\nconnected as [0-9a-f-]{36}\n/);
    expect(output).toContain(`subscribed to ${channel}\npublication: {"type":"ping","at":"2026-03-30T12:00:00.000Z"}\n`);
  });

  /** Runs the example with a key and waits for `until` in its output; resolves the output and the exit code. */
  const runExample = (key: string, until: string, channel?: string) => {
    const child = spawn(process.execPath, ['client.mjs', '--once'], {
      cwd: project,
      env: childEnv({ XSHATHRA_ORIGIN: origin, XSHATHRA_SERVER_API_KEY: key, XSHATHRA_CHANNEL: channel }),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const seen = (async () => {
      const deadline = Date.now() + 10_000;
      while (!output.includes(until)) {
        if (Date.now() > deadline) throw new Error(`the example never printed ${until}:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    return { output: () => output, exited, seen };
  };

  it("works as is with a fresh project made by the CLI: it finds the project's own channel and receives", async () => {
    const cli = await runCli(['projects', 'create', '--name', 'First hour', '--json']);
    expect(cli.code).toBe(0);
    const { project: fresh, serverApiKey: freshKey } = JSON.parse(cli.stdout);
    const channel = `public:${fresh.slug}.lobby`;
    const run = runExample(freshKey, `subscribed to ${channel}`);
    await run.seen;
    await request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', `apikey ${freshKey}`)
      .send({ channel, data: { hello: 'first hour' } })
      .expect(200);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(
      new RegExp(`^project ${fresh.slug} \\(channels \\*:${fresh.slug}\\.\\*\\)\\nconnected as [0-9a-f-]{36}\\n`),
    );
    expect(run.output()).toContain(`subscribed to ${channel}\npublication: {"hello":"first hour"}\n`);
  });

  it("prints why a subscription to another project's channel is refused", async () => {
    const { project: other } = JSON.parse((await runCli(['projects', 'create', '--name', 'Someone else', '--json'])).stdout);
    const { project: mine, serverApiKey: mineKey } = JSON.parse((await runCli(['projects', 'create', '--name', 'Mine', '--json'])).stdout);
    const foreign = `public:${other.slug}.lobby`;
    const run = runExample(mineKey, 'unsubscribed: 103', foreign);
    await run.seen;
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(
      `unsubscribed: 103 Subscription to "${foreign}" refused: the channel is outside the channels of project "${mine.slug}" (*:${mine.slug}.*).\n`,
    );
  });
});
