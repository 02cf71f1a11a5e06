import { redactUrl } from './logging';

describe('redactUrl', () => {
  it('hides the values of credential-like query parameters and keeps the rest', () => {
    expect(redactUrl('/realtime/connection/websocket?token=abc&cf_protocol=json')).toBe('/realtime/connection/websocket?token=REDACTED&cf_protocol=json');
    expect(redactUrl('/x?api_key=k&apiKey=k&secret=s&password=p')).toBe('/x?api_key=REDACTED&apiKey=REDACTED&secret=REDACTED&password=REDACTED');
  });

  it('leaves URLs without a query alone', () => {
    expect(redactUrl('/api/realtime/token')).toBe('/api/realtime/token');
  });
});
