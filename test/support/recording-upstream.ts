import { createServer, type IncomingHttpHeaders } from 'node:http';
import { WebSocketServer } from 'ws';

/**
 * An HTTP + WebSocket server that records the headers of what reaches it and answers 200 `{}`: it shows
 * exactly what the /realtime proxy sends upstream, which the real engine does not report.
 */
export async function startRecordingUpstream(): Promise<{ url: string; requests: IncomingHttpHeaders[]; upgrades: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const requests: IncomingHttpHeaders[] = [];
  const upgrades: IncomingHttpHeaders[] = [];
  const sockets = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => {
    requests.push(req.headers);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  server.on('upgrade', (req, socket, head) => {
    upgrades.push(req.headers);
    sockets.handleUpgrade(req, socket, head, (ws) => ws.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    upgrades,
    close: () =>
      new Promise((resolve) => {
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
