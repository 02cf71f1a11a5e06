import type { Socket } from 'node:net';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import * as ws from 'ws';
import { mentionsReservedNamespace } from './client-commands';

/** `ws` exports its frame parser and frame builder, which its type definitions leave out. */
const { Receiver, Sender } = ws as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number; skipUTF8Validation: boolean }) => Writable;
  Sender: { frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): Buffer[] };
};

/**
 * The largest client message read whole (Centrifugo's own default limit is 64 KiB): a bigger one closes the
 * connection rather than make this process hold it.
 */
const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

/** Centrifugo's close codes: 4500–4999 are terminal (the client does not reconnect), like its own 3501. */
export const CLOSE = {
  /** The message names the reserved namespace (see mentionsReservedNamespace): as an unsubscribe, it would leave the control channel. */
  reserved: { code: 4503, reason: 'the control channel cannot be left' },
  malformed: { code: 3501, reason: 'bad request' },
} as const;

/**
 * Sits on a proxied WebSocket between the client and the engine, reading the client's frames (with `ws`'s own
 * frame parser) before they are passed on unchanged. A message that names the reserved namespace (which is how
 * a client would leave its control channel), or frames `ws` cannot read, are not passed on: the client gets a
 * close frame with a terminal code and both sides are closed. The engine's frames to the client are never read.
 */
export class CommandGuard extends Transform {
  private readonly receiver = new Receiver({ isServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, skipUTF8Validation: true });
  private verdict: 'ok' | keyof typeof CLOSE = 'ok';
  /** After the client's close frame nothing more is valid (RFC 6455): what follows is dropped unread. */
  private closing = false;

  constructor(private readonly onRefused: (close: (typeof CLOSE)[keyof typeof CLOSE]) => void) {
    super();
    this.receiver.on('message', (data: Buffer | Buffer[] | ArrayBuffer) => {
      if (this.verdict === 'ok' && mentionsReservedNamespace(asBuffer(data))) this.verdict = 'reserved';
    });
    this.receiver.on('conclude', () => (this.closing = true));
    this.receiver.on('error', () => {
      if (this.verdict === 'ok') this.verdict = 'malformed';
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.closing) return done();
    // The parser unmasks payloads in place: it gets a copy, and the engine the bytes as the client sent them.
    // It emits its events synchronously (no compression is negotiated through the proxy).
    this.receiver.write(Buffer.from(chunk));
    if (this.verdict === 'ok') return done(null, chunk);
    done();
    this.onRefused(CLOSE[this.verdict]);
  }
}

/**
 * Routes the client's bytes through a CommandGuard (http-proxy has just piped them straight to the engine),
 * and on a refusal sends the client a close frame and closes both sockets.
 */
export function guardClientCommands(client: Socket, engine: Socket, onRefused: (reason: string) => void): void {
  let refused = false;
  const guard = new CommandGuard((close) => {
    if (refused) return;
    refused = true;
    onRefused(close.reason);
    client.unpipe(guard);
    engine.unpipe(client);
    engine.destroy();
    const payload = Buffer.concat([Buffer.from([close.code >> 8, close.code & 0xff]), Buffer.from(close.reason)]);
    client.end(Buffer.concat(Sender.frame(payload, { fin: true, rsv1: false, opcode: 0x08, mask: false, readOnly: false })));
  });
  client.unpipe(engine);
  client.pipe(guard).pipe(engine);
}

function asBuffer(data: Buffer | Buffer[] | ArrayBuffer): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
