import { freePort } from '../src/common/ports';
import { runEntry, startEntry } from './support/processes';

describe('startup configuration', () => {
  it.each([
    [{ PORT: 'abc' }, 'Configuration error: PORT must be an integer between 0 and 65535, got "abc"'],
    [{ CENTRIFUGO_UPSTREAM_URL: 'not a url' }, 'Configuration error: CENTRIFUGO_UPSTREAM_URL is not a valid URL'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'Configuration error: DATABASE_URL must use postgres: or postgresql:, got "mysql:"'],
    [{ LOG_LEVEL: 'loud' }, 'Configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
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
    const lines = server.output().trim().split('\n').map((line) => JSON.parse(line));
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
});
