import { Centrifuge, Subscription } from 'centrifuge';
import WebSocket from 'ws';

/** The real centrifuge-js client in Node, with `ws` as its WebSocket (as the client integration guide shows). */

export function wsUrl(httpServer: { address(): unknown }): string {
  const { port } = httpServer.address() as { port: number };
  return `ws://127.0.0.1:${port}/realtime/connection/websocket`;
}

/** A `ws` constructor that sends an Origin header, as a browser does. */
export function websocketWithOrigin(origin: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { Origin: origin } });
    }
  } as typeof WebSocket;
}

type Emitter = Centrifuge | Subscription;

/** Resolves with the first event of that name (matching `accept`), or rejects after timeoutMs. */
export function nextEvent<T = any>(
  emitter: Emitter,
  event: string,
  timeoutMs = 5000,
  accept: (ctx: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      (emitter as any).off(event, listener);
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (ctx: T) => {
      if (!accept(ctx)) return;
      clearTimeout(timer);
      (emitter as any).off(event, listener);
      resolve(ctx);
    };
    (emitter as any).on(event, listener);
  });
}

/** Clients to disconnect after each test. */
export class ClientPool {
  private readonly clients: Centrifuge[] = [];

  create(url: string, options: ConstructorParameters<typeof Centrifuge>[1] = {}): Centrifuge {
    const client = new Centrifuge(url, { websocket: WebSocket, ...options });
    this.clients.push(client);
    return client;
  }

  closeAll(): void {
    for (const client of this.clients.splice(0)) client.disconnect();
  }
}
