import type { SchemaObject } from '@nestjs/swagger';

/**
 * The optional fields of Centrifugo v6's publish and broadcast requests, for the OpenAPI document (the SDK's
 * types come from it). The control plane forwards them unchanged and leaves their validation to the engine.
 */
export const PUBLISH_OPTION_PROPERTIES: Record<string, SchemaObject> = {
  b64data: { type: 'string', format: 'byte', description: 'Binary data, base64-encoded (for clients using the Protobuf protocol).' },
  skip_history: { type: 'boolean', description: "Keep this publication out of the channel's history." },
  tags: { type: 'object', additionalProperties: { type: 'string' }, description: 'String tags delivered with the publication.' },
  idempotency_key: {
    type: 'string',
    description: 'The engine publishes at most once per key and channel within 5 minutes: what makes retrying a publish safe.',
  },
  delta: { type: 'boolean', description: 'Send a delta from the previous publication to subscribers that negotiated deltas.' },
  version: { type: 'integer', description: 'Drop this publication unless it is newer than the last one (channels with history).' },
  version_epoch: { type: 'string', description: 'Scopes `version` (channels with history).' },
};
