import { Writer } from 'protobufjs/minimal';
import { checkCommands, checkEmulationBody } from './client-commands';

const CONTROL = 'xshathra:project.0b6d2c0e-9f3a-4c55-8d7e-1f2a3b4c5d6e';
const json = (...commands: object[]) => Buffer.from(commands.map((command) => JSON.stringify(command)).join('\n'));

/** Centrifugo's protobuf Commands, varint-delimited (client.proto: id 1, subscribe 5, unsubscribe 6; channel 1). */
function protobuf(...commands: Array<{ id: number; field: 5 | 6; channel: string }>): Buffer {
  const writer = Writer.create();
  for (const { id, field, channel } of commands) {
    writer.fork();
    writer.uint32((1 << 3) | 0).uint32(id);
    writer
      .uint32((field << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string(channel)
      .ldelim();
    writer.ldelim();
  }
  return Buffer.from(writer.finish());
}

describe('checkCommands (one client WebSocket message)', () => {
  it('lets through what clients send: connect, subscribe, publish, pings, leaving an ordinary channel', () => {
    expect(checkCommands(json({ id: 1, connect: { token: 'eyJ…' } }))).toBe('ok');
    expect(
      checkCommands(
        json({ id: 2, subscribe: { channel: 'public:lobby' } }, { id: 3, publish: { channel: 'public:lobby', data: { text: CONTROL } } }),
      ),
    ).toBe('ok');
    expect(checkCommands(Buffer.from('{}'))).toBe('ok');
    expect(checkCommands(json({ id: 4, unsubscribe: { channel: 'public:lobby' } }))).toBe('ok');
    expect(checkCommands(protobuf({ id: 5, field: 6, channel: 'public:lobby' }, { id: 6, field: 5, channel: CONTROL }))).toBe('ok');
  });

  it("finds an unsubscribe from the reserved namespace in JSON, whatever its place or its keys' case", () => {
    expect(checkCommands(json({ id: 2, unsubscribe: { channel: CONTROL } }))).toBe('reserved');
    expect(checkCommands(json({ id: 2, subscribe: { channel: 'public:a' } }, { id: 3, unsubscribe: { channel: CONTROL } }))).toBe(
      'reserved',
    );
    expect(checkCommands(Buffer.from(`{"id":2,"UnSubscribe":{"CHANNEL":"${CONTROL}"}}`))).toBe('reserved');
    expect(checkCommands(Buffer.from(`{"id":2,"\\u0075nsubscribe":{"channel":"\\u0078shathra:project.x"}}`))).toBe('reserved');
    // A duplicate key: JSON.parse keeps the last, as Go does; either way the reserved one is seen.
    expect(checkCommands(Buffer.from(`{"id":2,"unsubscribe":{"channel":"public:a","channel":"${CONTROL}"}}`))).toBe('reserved');
  });

  it('finds it in protobuf, in any of several commands', () => {
    expect(checkCommands(protobuf({ id: 2, field: 6, channel: CONTROL }))).toBe('reserved');
    expect(checkCommands(protobuf({ id: 2, field: 5, channel: 'public:a' }, { id: 3, field: 6, channel: 'xshathra:debug-watchers' }))).toBe(
      'reserved',
    );
  });

  it('calls malformed what neither protocol reads', () => {
    expect(checkCommands(Buffer.from('{"id":2,"unsubscribe":'))).toBe('malformed');
    const truncated = protobuf({ id: 2, field: 6, channel: CONTROL });
    expect(checkCommands(truncated.subarray(0, truncated.length - 4))).toBe('malformed');
  });
});

describe('checkEmulationBody (the HTTP-streaming and SSE fallbacks)', () => {
  const request = (data: unknown) => Buffer.from(JSON.stringify({ session: 's', node: 'n', data }));

  it('reads the commands from a JSON body, as a string of lines (as centrifuge-js sends them) or as JSON', () => {
    expect(checkEmulationBody(request(JSON.stringify({ id: 2, subscribe: { channel: 'public:a' } })))).toBe('ok');
    expect(checkEmulationBody(request(`{"id":2}\n{"id":3,"unsubscribe":{"channel":"${CONTROL}"}}`))).toBe('reserved');
    expect(checkEmulationBody(request({ id: 3, unsubscribe: { channel: CONTROL } }))).toBe('reserved');
    expect(checkEmulationBody(request('not json'))).toBe('malformed');
  });

  it('reads them from a protobuf EmulationRequest (data: field 3)', () => {
    const body = (commands: Buffer) => {
      const writer = Writer.create();
      writer.uint32((1 << 3) | 2).string('node');
      writer.uint32((2 << 3) | 2).string('session');
      writer.uint32((3 << 3) | 2).bytes(commands);
      return Buffer.from(writer.finish());
    };
    expect(checkEmulationBody(body(protobuf({ id: 2, field: 5, channel: 'public:a' })))).toBe('ok');
    expect(checkEmulationBody(body(protobuf({ id: 2, field: 6, channel: CONTROL })))).toBe('reserved');
  });
});
