/**
 * Which /realtime paths reach the engine. Only its health check, its client connection endpoints and the
 * emulation endpoint (where the HTTP-streaming and SSE fallbacks send their commands) do; the engine's /api,
 * /admin and /metrics must stay private, so everything else under /realtime is a 404.
 */
export function engineFacingPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const rawPath = url.split('?', 1)[0];
  // Refuse dot segments outright rather than trusting every layer to normalize them the same way.
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rawPath)) return undefined;
  if (rawPath === '/realtime/health') return '/health';
  if (rawPath === '/realtime/emulation') return '/emulation';
  if (rawPath.startsWith('/realtime/connection/')) return rawPath.slice('/realtime'.length);
  return undefined;
}
