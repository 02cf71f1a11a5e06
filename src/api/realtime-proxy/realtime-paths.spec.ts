import { engineFacingPath } from './realtime-paths';

describe('engineFacingPath', () => {
  it.each([
    ['/realtime/health', '/health'],
    ['/realtime/connection/websocket', '/connection/websocket'],
    ['/realtime/connection/websocket?cf_ws_frame_ping_pong=true', '/connection/websocket'],
    ['/realtime/connection/http_stream', '/connection/http_stream'],
    ['/realtime/connection/sse?cf_connect=%7B%7D', '/connection/sse'],
    ['/realtime/emulation', '/emulation'],
  ])('forwards %s to the engine as %s', (url, path) => {
    expect(engineFacingPath(url)).toBe(path);
  });

  it.each([
    '/realtime/api/publish',
    '/realtime/api',
    '/realtime/admin',
    '/realtime/metrics',
    '/realtime/',
    '/realtime/healthz',
    '/realtime/connection',
    '/realtime/emulation/x',
    '/realtime/emulations',
    '/realtime/connection/../api/publish',
    '/realtime/connection/%2e%2e/api/publish',
    '/realtime/connection/%2E%2E/admin',
    '/api/realtime/token',
  ])('keeps %s away from the engine', (url) => {
    expect(engineFacingPath(url)).toBeUndefined();
  });
});
