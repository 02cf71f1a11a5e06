import { freePort } from '../src/platform/ports';
import { TEST_SECRET } from './support/app';
import { runCli, runEntry, startEntry } from './support/processes';

describe('startup configuration', () => {
  it.each([
    [{ PORT: 'abc' }, 'Configuration error: PORT must be an integer between 0 and 65535, got "abc"'],
    [{ CENTRIFUGO_UPSTREAM_URL: 'not a url' }, 'Configuration error: CENTRIFUGO_UPSTREAM_URL is not a valid URL'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'Configuration error: DATABASE_URL must use postgres: or postgresql:, got "mysql:"'],
    [{ LOG_LEVEL: 'loud' }, 'Configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [
      { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: 'CHANGE_ME' },
      'Configuration error: CENTRIFUGO_TOKEN_HMAC_SECRET_KEY is a placeholder value; set a random secret (e.g. `openssl rand -base64 32`) in production',
    ],
    [
      { NODE_ENV: 'production', DATABASE_URL: undefined },
      'Configuration error: DATABASE_URL is required when NODE_ENV=production (the embedded database is for development only)',
    ],
  ])('stops on %j with exit code 1 and one clear line', async (env, line) => {
    const result = await runEntry('main.js', [], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(line + '\n');
  });
});

describe('request logging', () => {
  it('writes one JSON line per request, and why a key was refused, without the API key or any query value', async () => {
    const port = await freePort();
    const server = await startEntry('main.js', { PORT: String(port), LOG_LEVEL: 'info' }, /Nest application successfully started/);
    try {
      const secretKey = 'xs_sk_this-key-must-never-reach-the-logs';
      await fetch(`http://127.0.0.1:${port}/api/realtime/token?token=query-secret-value&room=lobby`, {
        method: 'POST',
        headers: { Authorization: `apikey ${secretKey}`, 'Content-Type': 'application/json', 'X-Api-Key': secretKey },
        body: '{"userId":"u1"}',
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      // Nest closes the app on SIGTERM, then re-raises the signal: the process ends by it, after cleanup.
      expect(await server.stop('SIGTERM')).toBe('SIGTERM');
    }
    const lines = server
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const requestLines = lines.filter((line) => line.msg === 'request completed');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      req: { method: 'POST', url: '/api/realtime/token?token=REDACTED&room=REDACTED' },
      res: { statusCode: 401 },
    });
    // The caller gets one message for every refused key; the log says why, with the same request.
    expect(lines.filter((line) => line.context === 'Auth')).toEqual([
      expect.objectContaining({ msg: 'API key refused (malformed)', req: expect.objectContaining({ id: requestLines[0].req.id }) }),
    ]);
    expect(server.output()).not.toContain('this-key-must-never-reach-the-logs');
    expect(server.output()).not.toContain('query-secret-value');
  });

  it("gives every request an id (the caller's X-Request-Id when sane), returns it, and logs it with the project and key ids", async () => {
    const port = await freePort();
    const server = await startEntry(
      'main.js',
      { PORT: String(port), LOG_LEVEL: 'info', CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: TEST_SECRET },
      /Nest application successfully started/,
    );
    let key: string;
    const responses: Response[] = [];
    try {
      key = JSON.parse((await runCli(['projects', 'create', '--name', 'Traced', '--json'])).stdout).serverApiKey;
      const mint = (requestId?: string) =>
        fetch(`http://127.0.0.1:${port}/api/realtime/token`, {
          method: 'POST',
          headers: {
            Authorization: `apikey ${key}`,
            'Content-Type': 'application/json',
            ...(requestId !== undefined && { 'X-Request-Id': requestId }),
          },
          body: '{"userId":"u1"}',
        });
      responses.push(await mint('trace-123'), await mint(), await mint('not ok: spaces'));
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await server.stop('SIGTERM');
    }
    const ids = responses.map((response) => response.headers.get('x-request-id'));
    expect(ids[0]).toBe('trace-123');
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[2]).toMatch(/^[0-9a-f-]{36}$/);

    const lines = server
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'request completed');
    const traced = lines.find((line) => line.req.id === 'trace-123');
    expect(traced).toMatchObject({
      projectId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      res: { statusCode: 200 },
    });
    expect(lines.map((line) => line.req.id)).toEqual(expect.arrayContaining(ids));
    expect(server.output()).not.toContain(key!);
  });
});
