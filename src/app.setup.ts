import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { trustFunction } from './common/trust-proxy';
import { StrictValidationPipe } from './common/validation';
import { ShutdownDrain } from './health/shutdown-drain';
import { RequestMetrics } from './metrics/request-metrics.middleware';
import { httpConfig, type HttpConfig } from './config/app.config';
import { RealtimeProxy } from './realtime-proxy/realtime-proxy';

const DOCS_PATH = 'api/docs';

/**
 * Everything main.ts does to an application before it listens, in one place so that e2e specs build
 * exactly the application users run.
 */
export function setupApp(app: NestExpressApplication): void {
  const config = app.get<HttpConfig>(httpConfig.KEY);
  app.useLogger(app.get(Logger));
  // Client addresses and schemes come from X-Forwarded-* only when the hop that sent them is trusted.
  app.set('trust proxy', trustFunction(config.trustProxy));
  limitSlowClients(app, config.headersTimeoutMs);
  app.use(app.get(RequestMetrics).middleware);
  app.use(securityHeaders());
  app.use(app.get(ShutdownDrain).closeConnectionsWhileDraining);
  // WebSocket upgrades never reach Express: the proxy takes them from the server's `upgrade` event.
  app.get(RealtimeProxy).attachTo(app.getHttpServer());
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  if (config.apiDocs) setupOpenApi(app);
}

/**
 * A connection must deliver its request headers within headersTimeoutMs and its whole request within
 * 30 s (Node checks every second instead of every 30 s), so that idle half-open connections cannot pile up.
 * Node's headersTimeout only starts at a request's first byte, so a connection that sends nothing at all is
 * closed by closeSilentConnections; between requests, Node's keepAliveTimeout closes idle connections.
 * Responses are not limited: streams through /realtime last as long as they need.
 */
function limitSlowClients(app: NestExpressApplication, headersTimeoutMs: number): void {
  // connectionsCheckingInterval is a ServerOptions field that Node reads from the server when it starts
  // listening; Nest creates the server without options, so it is set here, before listen().
  const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = Math.max(headersTimeoutMs, 30_000);
  server.connectionsCheckingInterval = 1000;
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

/**
 * helmet's security headers with a strict CSP: scripts, styles and connections from this origin only (the
 * test page and its WebSocket pass it). The OpenAPI UI needs inline script and style, and gets them on its
 * own path only.
 */
function securityHeaders() {
  const directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    // Served over plain HTTP in development: do not ask browsers to upgrade.
    upgradeInsecureRequests: null,
  };
  const strict = helmet({ contentSecurityPolicy: { useDefaults: false, directives } });
  const docs = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...directives, scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"] },
    },
  });
  return (req: Parameters<typeof strict>[0], res: Parameters<typeof strict>[1], next: Parameters<typeof strict>[2]) =>
    (req.url?.startsWith(`/${DOCS_PATH}`) ? docs : strict)(req, res, next);
}

function setupOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Xshathra Realtime')
      .setDescription('Mint connection and subscription JWTs for Centrifugo, and publish to channels, with a project server key.')
      .setVersion('1')
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Send `apikey <server key>` (or `Bearer <server key>`).' },
        'apikey',
      )
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'An admin key (`xs_ak_…`), created with `npm run cli -- admin-keys create`.' },
        'admin-key',
      )
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}
