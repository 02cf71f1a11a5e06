import { redactUrl } from './logging';

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
