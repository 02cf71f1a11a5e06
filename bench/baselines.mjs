// The baselines the service is measured against, in the same run (see bench/run.mjs), in a process of their own
// as the service has (sharing the load generator's event loop would slow them down):
// - a bare node:http server doing the token job (key check by hash, JSON body, validation, HS256 signing);
// - Express 5 with express.json() answering a constant (the floor of any Express app that reads a body);
// - a bare NestJS app on Express answering a constant (what NestJS itself costs: one controller, its default
//   JSON body parser, no guard, pipe, filter, middleware or logger);
// - a bare node:http publish forwarder (key check by hash, JSON check, keep-alive agent to the engine).
import { createHash, createHmac } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import 'reflect-metadata';
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
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
    if (typeof body?.userId !== 'string' || !body.userId) return send(res, 400, { statusCode: 400, error: 'userId must be a string' });
    const iat = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: body.userId, iat, exp: iat + 900 })}`;
    const token = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
    send(res, 200, { token, expiresInSeconds: 900 });
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
export async function startBareNest() {
  // Decorators applied by hand: this file is plain JavaScript, run without a compiler.
  class TokenController {
    token() {
      return { token: 'constant', expiresInSeconds: 900 };
    }
  }
  const method = Object.getOwnPropertyDescriptor(TokenController.prototype, 'token');
  Reflect.decorate([Post('token'), HttpCode(200)], TokenController.prototype, 'token', method);
  Reflect.decorate([Controller('api/realtime')], TokenController);
  class BareModule {}
  Reflect.decorate([Module({ controllers: [TokenController] })], BareModule);
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${app.getHttpServer().address().port}`, close: () => app.close() };
}

/** A bare publish forwarder: key check, JSON check, the body forwarded to the engine as it came. */
export function startBareForwarder({ serverKey, engineUrl, engineApiKey }) {
  const known = new Set([hash(serverKey)]);
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const target = new URL('/api/publish', engineUrl);
  const server = createServer(async (req, res) => {
    const key = keyFrom(req);
    if (!key || !known.has(hash(key))) return send(res, 401, { statusCode: 401, error: 'Invalid API key.' });
    const raw = await readBody(req);
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
  });
  return listen(server);
}

/** Started by bench/run.mjs with fork(): the settings in $BASELINES, the URLs sent back over IPC. */
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { serverKey, secret, engineUrl, engineApiKey } = JSON.parse(process.env.BASELINES);
  const [bareToken, expressFloor, bareNest, bareForwarder] = await Promise.all([
    startBareTokenServer({ serverKey, secret }),
    startExpressFloor(),
    startBareNest(),
    startBareForwarder({ serverKey, engineUrl, engineApiKey }),
  ]);
  process.send({ bareToken: bareToken.url, expressFloor: expressFloor.url, bareNest: bareNest.url, bareForwarder: bareForwarder.url });
  process.once('disconnect', () => process.exit(0));
}
