import { RESERVED_NAMESPACE } from '../../domain/channels/control-channel';

const RESERVED_PREFIX = `${RESERVED_NAMESPACE}:`;
const RESERVED_PREFIX_BYTES = Buffer.from(RESERVED_PREFIX);
/** Escapes nested deeper than this (a JSON string holding JSON holding JSON…) are refused unread. */
const MAX_ESCAPE_DEPTH = 8;
const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})/g;

/**
 * Whether a client's message (one WebSocket message, or the body of an emulation request) names the reserved
 * namespace in any form the engine could read: raw (a protobuf string, plain JSON) or behind JSON escapes
 * (`\u0078shathra:`, at any depth of JSON held in a JSON string).
 *
 * The guard does not parse commands, on purpose. The engine's decoders accept more forms than a parser here
 * can mirror exactly (case-folded and Unicode-folded keys, merged duplicate keys, a `null` that keeps the
 * previous value, bytes after the first JSON value, over-long protobuf varints): a fresh attack found six ways
 * past a parser that read commands as JSON.parse and protobufjs do. The name itself cannot hide: protobuf keeps
 * strings as they are, and JSON only escapes characters. No client needs to send it (subscribing there is
 * refused anyway); the price is that a client-side publish or RPC whose data holds the text is refused too.
 */
export function mentionsReservedNamespace(message: Buffer): boolean {
  if (message.includes(RESERVED_PREFIX_BYTES)) return true;
  if (!message.includes('\\u')) return false;
  let text = message.toString('latin1');
  for (let depth = 0; depth < MAX_ESCAPE_DEPTH; depth++) {
    // Every \uXXXX is decoded, even one that is itself escaped (\\u0078): reading too much only refuses more.
    const decoded = text.replace(UNICODE_ESCAPE, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (decoded.includes(RESERVED_PREFIX)) return true;
    if (decoded === text) return false;
    text = decoded;
  }
  return true;
}
