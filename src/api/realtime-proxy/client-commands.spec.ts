import { protobufUnsubscribe } from '../../../test/support/centrifuge-protobuf';
import { mentionsReservedNamespace } from './client-commands';

const CONTROL = 'xshathra:project.0b6d2c0e-9f3a-4c55-8d7e-1f2a3b4c5d6e';
const text = (message: string) => Buffer.from(message);

describe('mentionsReservedNamespace (a client message, read as the engine could read it)', () => {
  it('lets through what clients send: connect, subscribe, publish, pings, leaving an ordinary channel', () => {
    expect(mentionsReservedNamespace(text('{"id":1,"connect":{"token":"eyJhbGciOiJIUzI1NiJ9.e30.x"}}'))).toBe(false);
    expect(
      mentionsReservedNamespace(text('{"id":2,"subscribe":{"channel":"public:lobby"}}\n{"id":3,"unsubscribe":{"channel":"public:lobby"}}')),
    ).toBe(false);
    expect(mentionsReservedNamespace(text('{}'))).toBe(false);
    expect(mentionsReservedNamespace(text('{"id":4,"publish":{"channel":"public:lobby","data":{"text":"caf\\u00e9 xshathra"}}}'))).toBe(
      false,
    );
  });

  it('finds the reserved prefix in any JSON form: plain, behind escapes, in JSON held in a JSON string', () => {
    expect(mentionsReservedNamespace(text(`{"id":2,"unsubscribe":{"channel":"${CONTROL}"}}`))).toBe(true);
    expect(mentionsReservedNamespace(text(`{"id":2,"un\u017fub\u017fcribe":{"channel":"${CONTROL}","channel":null}}`))).toBe(true);
    expect(mentionsReservedNamespace(text('{"id":2,"unsubscribe":{"channel":"\\u0078shathra\\u003Aproject.x"}}'))).toBe(true);
    // An emulation body: the commands are a JSON string inside the JSON, escaped once more (and once more again).
    const inner = JSON.stringify({ id: 2, unsubscribe: { channel: '\\u0078shathra:project.x' } });
    expect(mentionsReservedNamespace(text(JSON.stringify({ session: 's', node: 'n', Data: inner })))).toBe(true);
    expect(mentionsReservedNamespace(text('{"data":"\\u005cu0078shathra:project.x"}'))).toBe(true);
  });

  it('finds it in protobuf, whatever the framing around it', () => {
    expect(mentionsReservedNamespace(protobufUnsubscribe(CONTROL))).toBe(true);
    expect(mentionsReservedNamespace(Buffer.concat([protobufUnsubscribe('public:a', 3), protobufUnsubscribe(CONTROL)]))).toBe(true);
  });

  it('refuses, unread, escapes nested deeper than any client needs', () => {
    let nested = '\\u0041';
    for (let i = 0; i < 10; i++) nested = nested.replace('\\', '\\u005c');
    expect(mentionsReservedNamespace(text(`{"data":"${nested}"}`))).toBe(true);
  });
});
