import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import pino, { type LoggerOptions } from 'pino';
import { ENGINE_PROXY_SECRET_HEADER } from './auth/shared-secret';
import { loggerParams, redactUrl } from './logging';

describe('redactUrl', () => {
  it('logs the value of allowlisted query parameters only', () => {
    expect(redactUrl('/realtime/connection/websocket?token=abc&cf_protocol=json')).toBe(
      '/realtime/connection/websocket?token=REDACTED&cf_protocol=json',
    );
    expect(redactUrl('/x?api_key=k&apiKey=k&secret=s&password=p&q=1')).toBe(
      '/x?api_key=REDACTED&apiKey=REDACTED&secret=REDACTED&password=REDACTED&q=REDACTED',
    );
  });

  it('hides a JWT inside a connect command in the query (uni_sse)', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig';
    const url = `/realtime/connection/uni_sse?cf_connect=${encodeURIComponent(JSON.stringify({ token: jwt }))}`;
    expect(redactUrl(url)).toBe('/realtime/connection/uni_sse?cf_connect=REDACTED');
    expect(redactUrl(url)).not.toContain('eyJ');
  });

  it('hides repeated parameters and keeps a second "?" inside the query', () => {
    expect(redactUrl('/x?a=1&a=2&b=c?d')).toBe('/x?a=REDACTED&a=REDACTED&b=REDACTED');
  });

  it('leaves URLs without a query alone', () => {
    expect(redactUrl('/api/realtime/token')).toBe('/api/realtime/token');
  });
});

describe('the logger never writes a header', () => {
  /** The service's logger options, writing to a string. */
  async function logTo(lines: string[]) {
    const { pinoHttp } = await loggerParams({ logLevel: 'info', logFormat: 'json' });
    const [{ wrapSerializers: _pinoHttpOnly, ...options }] = pinoHttp as [LoggerOptions & { wrapSerializers?: boolean }, unknown];
    return pino(options, { write: (line: string) => lines.push(line) });
  }

  it("reduces a raw request or response logged by mistake to the request log's view, without its headers", async () => {
    const lines: string[] = [];
    const logger = await logTo(lines);
    const request = new IncomingMessage(new Socket());
    Object.assign(request, { method: 'POST', url: '/api/realtime/token?token=t0ken' });
    request.headers = {
      authorization: 'apikey xs_sk_secret-key-material',
      cookie: 'xs_console=session-secret',
      [ENGINE_PROXY_SECRET_HEADER]: 'engine-proxy-secret',
      'user-agent': 'spec',
    };
    const response = new ServerResponse(request);
    response.setHeader('Set-Cookie', 'xs_console=session-secret');
    response.statusCode = 201;
    logger.info({ req: request, res: response }, 'logged by mistake');
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line.req).toEqual({
      id: '',
      method: 'POST',
      url: '/api/realtime/token?token=REDACTED',
      userAgent: 'spec',
      remoteAddress: undefined,
    });
    expect(line.res).toEqual({ statusCode: 201 });
    expect(lines[0]).not.toMatch(/secret|t0ken/);
  });

  it("writes the request log's own view as it is", async () => {
    const lines: string[] = [];
    const logger = await logTo(lines);
    const req = { id: 'r1', method: 'GET', url: '/x', userAgent: 'spec', remoteAddress: '127.0.0.1' };
    logger.info({ req, res: { statusCode: 200 } }, 'request completed');
    expect(JSON.parse(lines[0])).toMatchObject({ req, res: { statusCode: 200 } });
  });
});
