import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/*
 * The engine's answers, which the channel routes relay unchanged (Centrifugo v6's HTTP API in its default error
 * mode: HTTP 200 with either `result` or `error`), as JSON Schema for the OpenAPI document, from which the Node
 * SDK's types are generated. Documentation only: nothing here validates or reshapes an answer. Plain schemas
 * rather than DTO classes, because publications and connection info hold any JSON value, which a decorated
 * property cannot say. Centrifugo leaves out fields that hold their zero value (0, "", an empty map), hence
 * the optional fields.
 */

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

/** `{result}` or `{error}`: the engine's reply to one method. */
const reply = (result: string): SchemaObject => ({
  type: 'object',
  properties: { result: ref(result), error: ref('EngineError') },
  description: 'Either `result`, or `error` when the engine refused the request.',
});

export const ENGINE_REPLY_SCHEMAS: Record<string, SchemaObject> = {
  EngineError: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: {
        type: 'integer',
        example: 102,
        description: 'Centrifugo error code (100 internal, 102 unknown channel, 107 bad request, 108 not available…).',
      },
      message: { type: 'string', example: 'unknown channel' },
    },
  },
  PublishResult: {
    type: 'object',
    description: "Where the publication landed in the channel's history (empty when the channel keeps none).",
    properties: { offset: { type: 'integer', example: 12 }, epoch: { type: 'string', example: 'ARsSEcHT' } },
  },
  PublishReply: reply('PublishResult'),
  BroadcastResult: {
    type: 'object',
    required: ['responses'],
    properties: {
      responses: { type: 'array', items: ref('PublishReply'), description: 'One reply per channel, in the order of `channels`.' },
    },
  },
  BroadcastReply: reply('BroadcastResult'),
  ClientInfo: {
    type: 'object',
    required: ['client', 'user'],
    description: 'A connection subscribed to the channel.',
    properties: {
      client: { type: 'string', description: "The engine's client id of the connection." },
      user: { type: 'string', description: "The user id (the token's `sub`)." },
      conn_info: { description: "The connection token's `info` (any JSON)." },
      chan_info: { description: "The subscription token's `info` (any JSON)." },
    },
  },
  PresenceResult: {
    type: 'object',
    properties: {
      presence: {
        type: 'object',
        additionalProperties: ref('ClientInfo'),
        description: 'By client id; left out when nobody is subscribed.',
      },
    },
  },
  PresenceReply: reply('PresenceResult'),
  PresenceStatsResult: {
    type: 'object',
    properties: {
      num_clients: { type: 'integer', description: 'Connections subscribed (left out when 0).' },
      num_users: { type: 'integer', description: 'Distinct users subscribed (left out when 0).' },
    },
  },
  PresenceStatsReply: reply('PresenceStatsResult'),
  Publication: {
    type: 'object',
    required: ['data'],
    properties: {
      data: { description: 'What was published (any JSON).' },
      offset: { type: 'integer' },
      tags: { type: 'object', additionalProperties: { type: 'string' } },
      info: { allOf: [ref('ClientInfo')], description: 'The publisher, when a client published.' },
    },
  },
  HistoryResult: {
    type: 'object',
    properties: {
      publications: { type: 'array', items: ref('Publication'), description: 'Left out without `limit`, or when there are none.' },
      offset: { type: 'integer', description: "The stream's top offset." },
      epoch: { type: 'string', description: "The stream's epoch." },
    },
  },
  HistoryReply: reply('HistoryResult'),
  ChannelInfo: {
    type: 'object',
    properties: { num_clients: { type: 'integer', description: 'Connections subscribed (left out when 0).' } },
  },
  ChannelsResult: {
    type: 'object',
    required: ['channels', 'truncated'],
    properties: {
      channels: { type: 'object', additionalProperties: ref('ChannelInfo'), description: 'By channel name.' },
      truncated: { type: 'boolean', description: "More of the project's channels are active than were listed." },
    },
  },
  ChannelsReply: reply('ChannelsResult'),
};

/** The OpenAPI reference to one of ENGINE_REPLY_SCHEMAS. */
export function engineReply(
  name: 'PublishReply' | 'BroadcastReply' | 'PresenceReply' | 'PresenceStatsReply' | 'HistoryReply' | 'ChannelsReply',
) {
  return ref(name);
}
