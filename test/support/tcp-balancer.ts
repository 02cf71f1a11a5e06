import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP balancer in front of engine nodes, as a Kubernetes Service or an nginx upstream is: each new connection
 * goes to the first backend, in the given order, that accepts it, so a dead node is skipped.
 */
export async function startTcpBalancer(backends: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    client.pause();
    const tryBackend = (index: number): void => {
      if (index >= backends.length) return void client.destroy();
      const { hostname, port } = new URL(backends[index]);
      const upstream = connect(Number(port), hostname);
      upstream.once('error', () => tryBackend(index + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
