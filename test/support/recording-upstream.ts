import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  url?: string;
  headers: IncomingHttpHeaders;
}
import { WebSocketServer } from 'ws';

/**
 * An HTTP + WebSocket server that records the headers of what reaches it and answers 200 `{}`: it shows
 * exactly what the /realtime proxy sends upstream, which the real engine does not report.
 */
export async function startRecordingUpstream(): Promise<{
  url: string;
  requests: RecordedRequest[];
  upgrades: RecordedRequest[];
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const upgrades: RecordedRequest[] = [];
  const sockets = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => {
    requests.push({ url: req.url, headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  server.on('upgrade', (req, socket, head) => {
    upgrades.push({ url: req.url, headers: req.headers });
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
