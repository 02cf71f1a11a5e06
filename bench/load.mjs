// The requests the benchmarks send, and one autocannon run of them.
import autocannon from 'autocannon';

export const TOKEN_BODY = JSON.stringify({
  userId: 'user_01HZEXAMPLE',
  ttlSeconds: 900,
  channels: ['public:lobby'],
  info: { displayName: 'Player One' },
});
export const PUBLISH_BODY = JSON.stringify({ channel: 'public:lobby', data: { type: 'ping', at: '2026-03-30T12:00:00.000Z' } });

/** The service's hot paths, as requests to a started stack (see stack.mjs). */
export function hotPaths({ appUrl, serverKey }) {
  const headers = { Authorization: `apikey ${serverKey}`, 'Content-Type': 'application/json' };
  return {
    token: { route: 'POST /api/realtime/token', url: `${appUrl}/api/realtime/token`, headers, body: TOKEN_BODY },
    publish: { route: 'POST /api/realtime/publish', url: `${appUrl}/api/realtime/publish`, headers, body: PUBLISH_BODY },
  };
}

/** One autocannon run: requests per second (mean), latency percentiles in ms, and failures (errors + non-2xx). */
export function loadOnce(target, { seconds, connections }) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: target.url, method: 'POST', headers: target.headers, body: target.body, connections, duration: seconds },
      (error, result) => {
        if (error) return reject(error);
        resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx });
      },
    );
  });
}
