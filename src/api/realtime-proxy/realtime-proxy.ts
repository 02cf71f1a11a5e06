import { Agent, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { raw, type NextFunction, type Request, type Response } from 'express';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import proxyAddr from 'proxy-addr';
import { errorBody } from '../../http/error-body';
import { engineFailure } from '../../platform/engine/engine-failure';
import { forwardedHeaders, trustFunction, type TrustFunction } from '../../http/trust-proxy';
import { engineConfig, type EngineConfig } from '../../platform/config/app.config';
import { Metrics } from '../../platform/metrics/metrics';
import { mentionsReservedNamespace } from './client-commands';
import { guardClientCommands } from './command-guard';
import { ConnectionSlots } from './connection-slots';
import { fileLimitWarning } from './file-limit';
import { engineFacingPath } from './realtime-paths';

/**
 * Upstream time limits: generous for streams (Centrifugo pings every 25 s), short for a WebSocket handshake;
 * /realtime/health gets ENGINE_TIMEOUT_MS, as every other engine call.
 */
const PROXY_TIMEOUT_MS = 60_000;
const UPGRADE_TIMEOUT_MS = 10_000;
/** What a client refused at a connection cap is told to wait: slots free up as connections close. */
const RETRY_AFTER_SECONDS = 5;
/** Emulation requests carry a few commands; Centrifugo's own default limit is 64 KiB. */
const MAX_EMULATION_BODY = '1mb';
/** Credentials meant for us (or for another site on this origin), and client claims about earlier hops. */
const HEADERS_NOT_PASSED_ON = [
  'authorization',
  'cookie',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-real-ip',
];

/**
 * The same-origin /realtime surface: HTTP and WebSocket upgrades for /realtime/health and
 * /realtime/connection/* go to the engine; other /realtime paths fall through to the 404 handler.
 * Engine down → 502 (HTTP) or a refused upgrade; a dropped upstream closes the client's socket. At most
 * MAX_PROXIED_WEBSOCKETS proxied connections (WebSockets and HTTP streams) per instance, and
 * MAX_PROXIED_WEBSOCKETS_PER_ADDRESS per client address; beyond that the handshake is refused, or the
 * request answered, with 503 and Retry-After.
 */
@Injectable()
export class RealtimeProxy implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeProxy.name);
  private readonly proxy?: RequestHandler;
  /** Client sockets of proxied WebSockets: a shutdown closes them instead of waiting on them forever. */
  private readonly upgradedSockets = new Set<Socket>();
  /** WebSockets and HTTP requests to /connection/* (SSE and HTTP streaming last as long as WebSockets). */
  private readonly slots: ConnectionSlots;
  private readonly trust: TrustFunction;
  private readonly healthTimeoutMs: number;
  /** The client socket of each proxied WebSocket, by its engine socket (http-proxy's `open` names only the latter). */
  private readonly clientOf = new WeakMap<Socket, Socket>();
  /** Reads an emulation request's body whole, so that its commands are checked before it goes on. */
  private readonly readEmulationBody = raw({ type: () => true, limit: MAX_EMULATION_BODY });

  constructor(
    @Inject(engineConfig.KEY) config: EngineConfig,
    private readonly metrics: Metrics,
  ) {
    this.slots = new ConnectionSlots(config.maxProxiedWebSockets, config.maxProxiedWebSocketsPerAddress);
    this.trust = trustFunction(config.trustProxy);
    this.healthTimeoutMs = config.engineTimeoutMs;
    // A production concern; a development machine rarely holds thousands of connections (and boots quietly).
    const fileLimit = fileLimitWarning(config.maxProxiedWebSockets);
    if (fileLimit) this.logger[config.isProduction ? 'warn' : 'debug'](fileLimit);
    if (!config.engineUrl) return;
    const { engineUrl } = config;
    const engineApiUrl = config.engineApiUrl ?? engineUrl;
    this.proxy = createProxyMiddleware({
      target: engineUrl,
      // The engine's /health lives with its API (on its internal port, when it has one).
      router: (req) => (engineFacingPath(req.url) === '/health' ? engineApiUrl : engineUrl),
      ws: true,
      xfwd: false, // X-Forwarded-* are built in passOn from what we can vouch for; Origin passes untouched
      changeOrigin: false,
      agent: new Agent({ keepAlive: true }), // no TCP handshake per proxied HTTP request
      // No proxyTimeout: it ends the upstream request without an error, which reads as 502; see limitTime.
      upgradeTimeout: UPGRADE_TIMEOUT_MS,
      pathFilter: (_path, req) => engineFacingPath(req.url) !== undefined,
      pathRewrite: (path) => engineFacingPath(path)! + queryOf(path),
      // Our error handler replaces the default plain-text one: errors keep the service's JSON shape.
      on: {
        proxyReq: (proxyReq, req) => {
          this.passOn(proxyReq, req);
          passOnReadBody(proxyReq, req);
          limitTime(proxyReq, this.timeoutFor(req));
        },
        proxyReqWs: (proxyReq, req, socket) => {
          this.passOn(proxyReq, req);
          // No compression through the proxy: CommandGuard reads the client's frames as they are.
          proxyReq.removeHeader('sec-websocket-extensions');
          proxyReq.once('upgrade', (_response, engineSocket: Socket) => this.clientOf.set(engineSocket, socket));
        },
        open: (engineSocket) => this.guard(engineSocket),
        error: (error, req, res) => this.onProxyError(error, req, res),
      },
    });
  }

  /** HTTP requests (through RealtimeProxyMiddleware, ahead of the body parser so bodies pass untouched). */
  readonly handleRequest = (req: Request, res: Response, next: NextFunction): void => {
    const path = engineFacingPath(req.originalUrl);
    if (path === undefined) return next();
    // Nest mounts module middleware under a path, which Express strips from req.url; the proxy needs it whole.
    req.url = req.originalUrl;
    if (!this.proxy) return sendError(res, 502, 'The realtime engine is not configured: set CENTRIFUGO_UPSTREAM_URL.');
    if (path.startsWith('/connection/')) {
      const slot = this.takeSlot(req);
      if (typeof slot === 'string') {
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        return sendError(res, 503, slot);
      }
      res.once('close', slot);
    }
    // Errors were answered by onProxyError; only "not for me" continues to the next handler.
    const forward = () => void this.proxy!(req, res, (error?: unknown) => (error ? undefined : next()));
    if (path === '/emulation') return this.checkEmulation(req, res, forward);
    forward();
  };

  /**
   * The HTTP-streaming and SSE fallbacks send their commands here: a body that names the reserved namespace
   * (which is how a client would leave its control channel) is refused (403) before it reaches the engine, as
   * CommandGuard refuses such a message on a WebSocket.
   */
  private checkEmulation(req: Request, res: Response, forward: () => void): void {
    this.readEmulationBody(req, res, (error?: unknown) => {
      if (error) {
        const { status, message } = error as { status?: number; message?: string };
        return sendError(
          res,
          status && status >= 400 && status < 500 ? status : 400,
          `The emulation request could not be read: ${message}.`,
        );
      }
      if (Buffer.isBuffer(req.body) && mentionsReservedNamespace(req.body)) {
        this.logger.warn(`Refused an emulation request from ${req.ip}: it names the reserved namespace (its control channel)`);
        return sendError(
          res,
          403,
          'A client cannot name a channel of the reserved "xshathra" namespace (its control channel cannot be left).',
        );
      }
      forward();
    });
  }

  /** Once the engine accepted a WebSocket, the client's frames go through a CommandGuard on their way to it. */
  private guard(engineSocket: Socket): void {
    const client = this.clientOf.get(engineSocket);
    if (!client) return;
    guardClientCommands(client, engineSocket, (reason) =>
      this.logger.warn(`Closed a realtime connection from ${client.remoteAddress}: ${reason}`),
    );
  }

  /** The server's `upgrade` listener, wired explicitly in setupApp. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    if (engineFacingPath(req.url) === undefined) return refuseUpgrade(socket, 404, 'Not Found');
    if (!this.proxy) return refuseUpgrade(socket, 502, 'Bad Gateway');
    const slot = this.takeSlot(req);
    if (typeof slot === 'string') return refuseUpgrade(socket, 503, 'Service Unavailable', `Retry-After: ${RETRY_AFTER_SECONDS}\r\n`);
    this.upgradedSockets.add(socket);
    this.metrics.proxiedWebSocketsNow(this.upgradedSockets.size);
    socket.once('close', () => {
      slot();
      this.upgradedSockets.delete(socket);
      this.metrics.proxiedWebSocketsNow(this.upgradedSockets.size);
    });
    this.proxy.upgrade(req, socket, head);
  };

  /**
   * A connection slot for the request's client address, resolved as Express resolves `req.ip` (upgrades
   * never reach Express): its release function, or the sentence a refused client gets.
   */
  private takeSlot(req: IncomingMessage): (() => void) | string {
    const address = proxyAddr(req, this.trust);
    const slot = this.slots.take(address);
    if ('release' in slot) return slot.release;
    if (slot.refused === 'instance') {
      this.logger.warn(`Refused a realtime connection: this instance already holds ${slot.held} (MAX_PROXIED_WEBSOCKETS)`);
      return 'This instance holds as many realtime connections as it may (MAX_PROXIED_WEBSOCKETS); retry.';
    }
    this.logger.warn(`Refused a realtime connection from ${address}: it already holds ${slot.held} (MAX_PROXIED_WEBSOCKETS_PER_ADDRESS)`);
    return 'This address holds as many realtime connections as it may (MAX_PROXIED_WEBSOCKETS_PER_ADDRESS); retry.';
  }

  /** The engine's /health answers within ENGINE_TIMEOUT_MS like every engine call; streams get longer. */
  private timeoutFor(req: IncomingMessage): number {
    // The proxy has rewritten req.url by now; Express keeps what the client asked for.
    return engineFacingPath((req as Request).originalUrl) === '/health' ? this.healthTimeoutMs : PROXY_TIMEOUT_MS;
  }

  attachTo(server: Server): void {
    server.on('upgrade', this.handleUpgrade);
  }

  beforeApplicationShutdown(): void {
    for (const socket of this.upgradedSockets) socket.destroy();
  }

  /** The headers of a request on its way to the engine: no credentials, X-Forwarded-* that we vouch for. */
  private passOn(proxyReq: ClientRequest, req: IncomingMessage): void {
    for (const name of HEADERS_NOT_PASSED_ON) proxyReq.removeHeader(name);
    for (const [name, value] of Object.entries(forwardedHeaders(req, this.trust))) proxyReq.setHeader(name, value);
  }

  private onProxyError(error: Error, req: IncomingMessage, res: ServerResponse | Socket): void {
    this.logger.warn(`Engine proxy error: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
    if ('writeHead' in res) {
      if (res.headersSent) return void res.destroy();
      const failure = engineFailure(error, this.timeoutFor(req));
      return sendError(res, failure.getStatus(), failure.message);
    }
    // Nothing written yet: the handshake never reached the engine, so the client can still get an HTTP answer.
    if (res.bytesWritten === 0 && res.writable) refuseUpgrade(res, 502, 'Bad Gateway');
    else res.destroy();
  }
}

/** A body read before proxying (an emulation request's) is written to the engine as it was read. */
function passOnReadBody(proxyReq: ClientRequest, req: IncomingMessage): void {
  const body = (req as Request).body as unknown;
  if (!Buffer.isBuffer(body)) return;
  proxyReq.removeHeader('transfer-encoding');
  proxyReq.setHeader('content-length', body.length);
  proxyReq.write(body);
}

function queryOf(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? '' : url.slice(index);
}

/** Outside Nest's filters (the proxy answers on the raw response), in the same error shape. */
function sendError(res: ServerResponse, statusCode: number, error: string): void {
  res.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(errorBody(statusCode, error)));
}

/** Ends the upstream request with a timeout error (→ 504) when the engine stays silent for `ms`. */
function limitTime(proxyReq: ClientRequest, ms: number): void {
  proxyReq.setTimeout(ms, () => proxyReq.destroy(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })));
}

/** An HTTP answer on a socket that asked to upgrade (`headers`: extra header lines, each ending in CRLF). */
function refuseUpgrade(socket: Socket, statusCode: number, reason: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${statusCode} ${reason}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroySoon?.();
}
