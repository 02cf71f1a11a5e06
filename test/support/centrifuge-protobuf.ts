import { Writer } from 'protobufjs/minimal';

/**
 * Centrifugo's protobuf client protocol, as far as the command guard's specs need it (client.proto: Command.id
 * is field 1, Command.unsubscribe field 6, UnsubscribeRequest.channel field 1; commands are varint-delimited).
 */
export function protobufUnsubscribe(channel: string, id = 2): Buffer {
  const writer = Writer.create().fork();
  writer.uint32((1 << 3) | 0).uint32(id);
  writer
    .uint32((6 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string(channel)
    .ldelim();
  return Buffer.from(writer.ldelim().finish());
}
