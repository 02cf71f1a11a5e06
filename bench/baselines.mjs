// The baselines the service is measured against, in the same run (see bench/run.mjs), in a process of their own
// as the service has (sharing the load generator's event loop would slow them down):
// - a bare node:http server doing the token job (key check by hash, JSON body, validation, HS256 signing);
// - Express 5 with express.json() answering a constant (the floor of any Express app that reads a body);
// - a bare NestJS app on Express answering a constant (what NestJS itself costs: one controller, its default
//   JSON body parser, no guard, pipe, filter, middleware or logger);
// - a bare node:http publish forwarder (key check by hash, JSON check, keep-alive agent to the engine);
// - the token job and the forwarder's job each inside one NestJS controller: what this stack allows with no
//   feature at all (the ceiling of each ratio).
import { createHash, createHmac } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import 'reflect-metadata';
import { Controller, HttpCode, Module, Post, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const keyFrom = (req) => /^\s*(?:apikey|bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
const hash = (key) => createHash('sha256').update(key).digest('hex');
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function listen(server) {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })),
  );
}

/** The token job past the body: HS256 over the claims, by hand (status and answer). */
function mintToken(body, secret) {
  if (typeof body?.userId !== 'string' || !body.userId) return [400, { statusCode: 400, error: 'userId must be a string' }];
  const iat = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: body.userId, iat, exp: iat + 900 })}`;
  return [200, { token: `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`, expiresInSeconds: 900 }];
}

/** The whole token job on bare node:http. */
export function startBareTokenServer({ serverKey, secret }) {
  const known = new Set([hash(serverKey)]);
  const server = createServer(async (req, res) => {
    const key = keyFrom(req);
    if (!key || !known.has(hash(key))) return send(res, 401, { statusCode: 401, error: 'Invalid API key.' });
    let body;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return send(res, 400, { statusCode: 400, error: 'The request body is not valid JSON.' });
    }
    send(res, ...mintToken(body, secret));
  });
  return listen(server);
}

/** Express 5 + express.json(), answering a constant: what any Express route that reads a body costs. */
export function startExpressFloor() {
  const app = express();
  app.use(express.json());
  app.post('/api/realtime/token', (_req, res) => res.json({ token: 'constant', expiresInSeconds: 900 }));
  return listen(createServer(app));
}

/** A bare NestJS app on Express: one controller answering a constant, as NestJS's first example does. */
export function startBareNest() {
  return startNestApp('token', () => ({ token: 'constant', expiresInSeconds: 900 }));
}

/**
 * The whole token job (the bare node:http server's) in one NestJS controller on Express, with Nest's own body
 * parser: the most the token route could reach on this stack with no feature at all.
 */
export function startBareNestToken({ serverKey, secret }) {
  const known = new Set([hash(serverKey)]);
  return startNestApp('token', (req, res) => {
    const key = keyFrom(req);
    const [status, answer] =
      !key || !known.has(hash(key)) ? [401, { statusCode: 401, error: 'Invalid API key.' }] : mintToken(req.body, secret);
    res.status(status).json(answer);
  });
}

/**
 * The bare forwarder's job in one NestJS controller on Express (Nest's body parser, the raw body forwarded):
 * the most the publish route could reach on this stack with no feature at all.
 */
export function startBareNestForwarder({ serverKey, engineUrl, engineApiKey }) {
  const forward = forwarder({ serverKey, engineUrl, engineApiKey });
  return startNestApp('publish', (req, res) => forward(req, res, req.rawBody), { rawBody: true });
}

/**
 * A NestJS app with one controller, `POST /api/realtime/<path>`. The handler gets the request and the
 * response (@Req, @Res) and answers itself; a handler without parameters returns the answer for Nest to send.
 */
async function startNestApp(path, handler, options = {}) {
  // Decorators applied by hand: this file is plain JavaScript, run without a compiler.
  const answersItself = handler.length > 0;
  class OneController {
    handle(req, res) {
      return handler(req, res);
    }
  }
  const method = Object.getOwnPropertyDescriptor(OneController.prototype, 'handle');
  Reflect.decorate([Post(path), HttpCode(200)], OneController.prototype, 'handle', method);
  if (answersItself) {
    Req()(OneController.prototype, 'handle', 0);
    Res()(OneController.prototype, 'handle', 1);
  }
  Reflect.decorate([Controller('api/realtime')], OneController);
  class OneModule {}
  Reflect.decorate([Module({ controllers: [OneController] })], OneModule);
  const app = await NestFactory.create(OneModule, { logger: false, ...options });
  await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${app.getHttpServer().address().port}`, close: () => app.close() };
}

/** The forwarder's job: key check, JSON check, the body forwarded to the engine as it came, its answer piped back. */
function forwarder({ serverKey, engineUrl, engineApiKey }) {
  const known = new Set([hash(serverKey)]);
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const target = new URL('/api/publish', engineUrl);
  return (req, res, raw) => {
    const key = keyFrom(req);
    if (!key || !known.has(hash(key))) return send(res, 401, { statusCode: 401, error: 'Invalid API key.' });
    try {
      const body = JSON.parse(raw.toString('utf8'));
      if (typeof body?.channel !== 'string' || !('data' in body))
        return send(res, 400, { statusCode: 400, error: 'Invalid request body.' });
    } catch {
      return send(res, 400, { statusCode: 400, error: 'The request body is not valid JSON.' });
    }
    const upstream = request(
      target,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': raw.length, 'X-API-Key': engineApiKey } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'Content-Type': answer.headers['content-type'] ?? 'application/json' });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => send(res, 502, { statusCode: 502, error: 'The realtime engine is unreachable.' }));
    upstream.end(raw);
  };
}

/** A bare publish forwarder on node:http. */
export function startBareForwarder(settings) {
  const forward = forwarder(settings);
  return listen(createServer(async (req, res) => forward(req, res, await readBody(req))));
}

/** Started by bench/run.mjs with fork(): the settings in $BASELINES, the URLs sent back over IPC. */
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { serverKey, secret, engineUrl, engineApiKey } = JSON.parse(process.env.BASELINES);
  const started = {
    bareToken: startBareTokenServer({ serverKey, secret }),
    expressFloor: startExpressFloor(),
    bareNest: startBareNest(),
    bareNestToken: startBareNestToken({ serverKey, secret }),
    bareForwarder: startBareForwarder({ serverKey, engineUrl, engineApiKey }),
    bareNestForwarder: startBareNestForwarder({ serverKey, engineUrl, engineApiKey }),
  };
  const urls = Object.fromEntries(await Promise.all(Object.entries(started).map(async ([name, server]) => [name, (await server).url])));
  process.send(urls);
  process.once('disconnect', () => process.exit(0));
}
