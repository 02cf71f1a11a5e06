import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import WebSocket from 'ws';
import { createProject, serverApiCall } from './support/app';
import { describeWithEngine, startEngineAndApp, type TestEngine } from './support/engine';

/**
 * Messages that the command guard reads as harmless while Centrifugo (centrifugal/protocol v0.19.2: segmentio's
 * JSON decoder, vtproto with Go's varints) reads them as an unsubscribe from the client's control channel: the
 * client stays connected and is no longer counted, listed, disconnected by user or cut when its project is disabled.
 */
describeWithEngine('command guard bypasses', () => {
  let engine: TestEngine;
  let app: NestExpressApplication;

  beforeAll(async () => {
    ({ engine, app } = await startEngineAndApp('Guard seed'));
  }, 30_000);
  afterAll(async () => {
    await app.close();
    await engine.stop();
  });

  const http = () => request(app.getHttpServer());
  const server = (key: string, path: string, body: object = {}) => serverApiCall(app, key, path, body);
  const count = async (key: string) => (await server(key, 'connections').expect(200)).body.connections as number;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A raw client through /realtime; `protobuf` connects with cf_protocol=protobuf. */
  async function rawClient(token: string, protobuf: boolean) {
    const { port } = app.getHttpServer().address() as { port: number };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/realtime/connection/websocket${protobuf ? '?cf_protocol=protobuf' : ''}`);
    let closed: { code: number; reason: string } | undefined;
    ws.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
    const messages: Buffer[] = [];
    ws.on('message', (data: Buffer) => messages.push(data));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(protobuf ? protobufConnect(token) : JSON.stringify({ id: 1, connect: { token } }));
    for (let i = 0; i < 50 && messages.length === 0; i++) await sleep(20);
    expect(messages.length).toBeGreaterThan(0);
    return { ws, messages, closed: () => closed };
  }

  const control = (projectId: string) => `xshathra:project.${projectId}`;

  const attacks: Array<[string, boolean, (channel: string) => string | Buffer]> = [
    // segmentio decodes a repeated key into the same struct (it merges): the second, empty, object keeps the channel.
    ['a duplicate "unsubscribe" key', false, (ch) => `{"id":2,"unsubscribe":{"channel":"${ch}"},"unsubscribe":{}}`],
    // null leaves a string field as it was (Go); JSON.parse keeps the last value (null).
    ['a "channel" repeated as null', false, (ch) => `{"id":2,"unsubscribe":{"channel":"${ch}","channel":null}}`],
    // segmentio folds non-ASCII keys with unicode.SimpleFold: U+017F (long s) matches "s".
    ['a key with the long s (U+017F)', false, (ch) => `{"id":2,"un\u017fub\u017fcribe":{"channel":"${ch}"}}`],
    // segmentio ignores what follows the first JSON value of a line; JSON.parse fails, and the guard then reads
    // the bytes as protobuf only, where they are harmless.
    ['trailing bytes after the command', false, (ch) => jsonWithTrailer(`{"x":1,"id":2,"unsubscribe":{"channel":"${ch}"}}`)],
    // Go reads an over-long varint up to its last byte; protobufjs' uint32 always skips 10 bytes.
    ['an over-long protobuf varint', true, (ch) => overlongVarintUnsubscribe(ch)],
  ];

  it.each(attacks)('closes a client that leaves its control channel with %s', async (_what, protobuf, message) => {
    const project = await createProject(app, 'Bypass', null);
    const token = (await server(project.serverApiKey, 'token', { userId: 'leaver' }).expect(200)).body.token as string;
    const client = await rawClient(token, protobuf);
    expect(await count(project.serverApiKey)).toBe(1);

    client.ws.send(message(control(project.projectId)));
    await sleep(300);
    // Either the guard closed it (4503), or the connection still lives while its project no longer counts it.
    const liveAndUncounted = client.closed() === undefined && (await count(project.serverApiKey)) === 0;
    client.ws.close();
    expect({ liveAndUncounted, closed: client.closed() }).toEqual({
      liveAndUncounted: false,
      closed: { code: 4503, reason: 'the control channel cannot be left' },
    });
  });

  it('refuses an emulation request whose data key is not spelled in lower case (the engine matches keys in any case)', async () => {
    const project = await createProject(app, 'Emulated bypass', null);
    const data = JSON.stringify({ id: 2, unsubscribe: { channel: control(project.projectId) } });
    await http()
      .post('/realtime/emulation')
      .set('Content-Type', 'application/json')
      .send({ session: 's', node: 'n', Data: data })
      .expect(403);
  });
});

/** A JSON command followed by bytes that JSON.parse refuses and that protobufjs reads as harmless protobuf. */
function jsonWithTrailer(command: string): Buffer {
  // As protobuf: `{` (123) is the first command's length; `"` (field 4, bytes) then `x` (120) skips to byte 123,
  // where field 1 (a varint, 0) ends the message at byte 125.
  const json = Buffer.from(command);
  if (json.length > 120 || !command.startsWith('{"x"')) throw new Error('the command must start with {"x" and be short');
  return Buffer.concat([json, Buffer.alloc(123 - json.length, 0x20), Buffer.from([0x08, 0x00])]);
}

/**
 * Command{id: 1, unknown field 16 (tag written as a 6-byte varint), unsubscribe: {channel}}. Go reads the tag's
 * 6 bytes; protobufjs reads 10 and so takes a later byte for the unknown field's length, which it skips to the end.
 */
function overlongVarintUnsubscribe(channel: string): Buffer {
  const ch = Buffer.from(channel);
  const unsubscribe = Buffer.concat([Buffer.from([0x32, ch.length + 2, 0x0a, ch.length]), ch]);
  const unknown = Buffer.from([0, 0, 0, 10 + ch.length, 0, 0, 0, 0, 0, 0]);
  const command = Buffer.concat([Buffer.from([0x08, 0x02, 0x82, 0x81, 0x80, 0x80, 0x80, 0x00, unknown.length]), unknown, unsubscribe]);
  return Buffer.concat([Buffer.from([command.length]), command]);
}

/** Command{id: 1, connect: {token}}, varint-delimited. */
function protobufConnect(token: string): Buffer {
  const t = Buffer.from(token);
  const connect = Buffer.concat([Buffer.from([0x0a]), varint(t.length), t]);
  const command = Buffer.concat([Buffer.from([0x08, 0x01, 0x22]), varint(connect.length), connect]);
  return Buffer.concat([varint(command.length), command]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 127) {
    bytes.push((value & 127) | 128);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
