import { Reader } from 'protobufjs/minimal';
import { isReservedChannel } from '../../domain/channels/control-channel';

/**
 * What a client's commands (one WebSocket message, or the commands of one emulation request) ask of the
 * engine, as far as the proxy cares: `reserved` when one of them unsubscribes from a channel of the reserved
 * namespace (the control channel: a client that left it could no longer be counted, disconnected or cut when
 * its project is disabled), `malformed` when they can be read in neither of Centrifugo's protocols.
 *
 * Both protocols are read, whatever the connection negotiated (the engine's choice is not visible here): bytes
 * that one reading finds harmless are still refused when the other finds them leaving the reserved namespace.
 */
export type CommandsVerdict = 'ok' | 'reserved' | 'malformed';

/** Centrifugo's protobuf field numbers (client.proto): Command.unsubscribe, UnsubscribeRequest.channel. */
const COMMAND_UNSUBSCRIBE = 6;
const UNSUBSCRIBE_CHANNEL = 1;
const EMULATION_DATA = 3;
const LENGTH_DELIMITED = 2;

/** One WebSocket message of a client: newline-delimited JSON commands, or varint-delimited protobuf ones. */
export function checkCommands(message: Buffer): CommandsVerdict {
  const json = jsonCommands(message.toString('utf8'));
  if (!json) return protobufCommands(message);
  return json.some(unsubscribesReserved) || protobufCommands(message) === 'reserved' ? 'reserved' : 'ok';
}

/**
 * The body of an emulation request (the HTTP-streaming and SSE fallbacks' commands): JSON
 * `{session, node, data}` with `data` the commands as one string (or as JSON), or a protobuf
 * EmulationRequest whose `data` holds delimited commands.
 */
export function checkEmulationBody(body: Buffer): CommandsVerdict {
  const parsed = parseJson(body.toString('utf8'));
  if (parsed === undefined) return protobufEmulationBody(body);
  if (protobufEmulationBody(body) === 'reserved') return 'reserved';
  if (!isObject(parsed)) return 'malformed';
  const data = parsed.data;
  if (data === undefined) return 'ok';
  const commands = typeof data === 'string' ? jsonCommands(data) : isObject(data) ? [data] : undefined;
  if (!commands) return 'malformed';
  return commands.some(unsubscribesReserved) ? 'reserved' : 'ok';
}

function protobufEmulationBody(body: Buffer): CommandsVerdict {
  try {
    const reader = Reader.create(body);
    let verdict: CommandsVerdict = 'ok';
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === EMULATION_DATA && (tag & 7) === LENGTH_DELIMITED) {
        const commands = protobufCommands(Buffer.from(reader.bytes()));
        if (commands !== 'ok') verdict = commands;
      } else reader.skipType(tag & 7);
    }
    return verdict;
  } catch {
    return 'malformed';
  }
}

/** Each non-empty line parsed; undefined when a line is not JSON. */
function jsonCommands(text: string): unknown[] | undefined {
  const commands: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const command = parseJson(line);
    if (command === undefined) return undefined;
    commands.push(command);
  }
  return commands;
}

/** Field names are matched case-insensitively, as Go's JSON decoding may match them. */
function unsubscribesReserved(command: unknown): boolean {
  if (!isObject(command)) return false;
  return valuesNamed(command, 'unsubscribe').some(
    (request) =>
      isObject(request) && valuesNamed(request, 'channel').some((channel) => typeof channel === 'string' && isReservedChannel(channel)),
  );
}

function protobufCommands(message: Buffer): CommandsVerdict {
  try {
    const reader = Reader.create(message);
    while (reader.pos < reader.len) {
      const end = reader.uint32() + reader.pos;
      if (end > reader.len) return 'malformed';
      while (reader.pos < end) {
        const tag = reader.uint32();
        if (tag >>> 3 === COMMAND_UNSUBSCRIBE && (tag & 7) === LENGTH_DELIMITED) {
          if (unsubscribeRequestIsReserved(reader.bytes())) return 'reserved';
        } else reader.skipType(tag & 7);
      }
    }
    return 'ok';
  } catch {
    return 'malformed';
  }
}

function unsubscribeRequestIsReserved(request: Uint8Array): boolean {
  const reader = Reader.create(request);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === UNSUBSCRIBE_CHANNEL && (tag & 7) === LENGTH_DELIMITED) {
      if (isReservedChannel(reader.string())) return true;
    } else reader.skipType(tag & 7);
  }
  return false;
}

function valuesNamed(object: Record<string, unknown>, name: string): unknown[] {
  return Object.keys(object)
    .filter((key) => key.toLowerCase() === name)
    .map((key) => object[key]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
