import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A connection must deliver its request headers within headersTimeoutMs and its whole request within
 * 30 s (Node checks every second instead of every 30 s), so that idle half-open connections cannot pile up.
 * Node's headersTimeout only starts at a request's first byte, so a connection that sends nothing at all is
 * closed by closeSilentConnections; between requests, Node's keepAliveTimeout closes idle connections.
 * Responses are not limited: streams through /realtime last as long as they need.
 */
export function limitSlowClients(server: Server, headersTimeoutMs: number): void {
  // connectionsCheckingInterval is a ServerOptions field that Node reads from the server when it starts
  // listening; Nest creates the server without options, so it is set here, before listen().
  const limited = server as Server & { connectionsCheckingInterval: number };
  limited.headersTimeout = headersTimeoutMs;
  limited.requestTimeout = Math.max(headersTimeoutMs, 30_000);
  limited.connectionsCheckingInterval = 1000;
  closeSilentConnections(server, headersTimeoutMs);
}

/**
 * Closes a new connection that sends nothing for `ms`, so that sockets which never send a byte cannot hold
 * file descriptors forever. The limit ends at the first request (or upgrade): from then on Node's own
 * timeouts apply, and long responses (SSE, HTTP streaming) and upgraded WebSockets are never cut.
 */
function closeSilentConnections(server: Server, ms: number): void {
  const silent = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    silent.add(socket);
    // Node's own 'timeout' listener destroys a socket with no request and no response in progress.
    socket.setTimeout(ms);
  });
  const spoke = (request: IncomingMessage) => {
    if (silent.delete(request.socket)) request.socket.setTimeout(0);
  };
  server.on('request', spoke);
  server.on('upgrade', spoke);
}
