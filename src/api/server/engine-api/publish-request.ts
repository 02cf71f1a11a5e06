import { BadRequestException } from '@nestjs/common';
import { isWithinChannelLength, MAX_CHANNEL_LENGTH } from '../../../domain/channels/channel-name';
import { topLevelKeys } from './top-level-keys';

/** The fields after `channel`/`channels` of Centrifugo's publish and broadcast requests (v6 internal/apiproto/api.proto). */
const SHARED_FIELDS = ['data', 'b64data', 'skip_history', 'tags', 'idempotency_key', 'delta', 'version', 'version_epoch'];
const PUBLISH_FIELDS = new Set(['channel', ...SHARED_FIELDS]);
const BROADCAST_FIELDS = new Set(['channels', ...SHARED_FIELDS]);
/** Bounds the work one broadcast asks of the policy check and the engine. */
export const MAX_BROADCAST_CHANNELS = 1000;

/**
 * The minimum the control plane checks before forwarding a publish: a JSON object with a well-formed string
 * `channel` of at most MAX_CHANNEL_LENGTH characters and a `data` member, whose top level says the same thing
 * to every JSON decoder. Everything else (tags, idempotency_key, …) is the engine's to validate. Returns the channel the engine will publish to.
 */
export function assertPublishRequest(body: unknown, rawBody: Buffer): string {
  const fields = asObject(body);
  const problems = ambiguousKeys(rawBody, PUBLISH_FIELDS);
  const { channel } = fields;
  if (typeof channel !== 'string' || channel.length === 0) problems.push('channel must be a non-empty string');
  else if (!isWithinChannelLength(channel)) problems.push(`channel must be at most ${MAX_CHANNEL_LENGTH} characters`);
  else if (!channel.isWellFormed()) problems.push('channel must be well-formed Unicode');
  if (!('data' in fields)) problems.push('data is required');
  refuseIfAny(problems);
  return channel as string;
}

/** The same for a broadcast: `channels`, 1 to MAX_BROADCAST_CHANNELS well-formed channel names. Returns them. */
export function assertBroadcastRequest(body: unknown, rawBody: Buffer): string[] {
  const fields = asObject(body);
  const problems = ambiguousKeys(rawBody, BROADCAST_FIELDS);
  const { channels } = fields;
  const valid =
    Array.isArray(channels) &&
    channels.length > 0 &&
    channels.length <= MAX_BROADCAST_CHANNELS &&
    channels.every((channel) => typeof channel === 'string' && channel.length > 0 && channel.isWellFormed());
  if (!valid) problems.push(`channels must be an array of 1 to ${MAX_BROADCAST_CHANNELS} non-empty, well-formed channel names`);
  else if (!channels.every(isWithinChannelLength)) problems.push(`channel names must be at most ${MAX_CHANNEL_LENGTH} characters`);
  if (!('data' in fields)) problems.push('data is required');
  refuseIfAny(problems);
  return channels as string[];
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequestException('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

function refuseIfAny(problems: string[]): void {
  if (problems.length > 0) throw new BadRequestException({ message: `Invalid request body: ${problems.join('; ')}.`, details: problems });
}

/**
 * The engine decodes keys case-insensitively (Go's `encoding/json`, with Unicode folding) and keeps the last
 * of two equal keys, while JSON.parse is case-sensitive. A field spelled in another case, or a key given
 * twice, could make the engine act on a channel other than the one checked here, so both are refused.
 */
function ambiguousKeys(rawBody: Buffer, engineFields: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  // JSON.parse here skips a UTF-8 byte order mark; the engine refuses it with a plain-text 400.
  if (rawBody[0] === 0xef && rawBody[1] === 0xbb && rawBody[2] === 0xbf) return ['the body must not start with a byte order mark'];
  const seen = new Set<string>();
  let keys: string[];
  try {
    keys = topLevelKeys(rawBody.toString('utf8'));
  } catch {
    return ['the body must be JSON encoded as UTF-8'];
  }
  for (const key of keys) {
    const folded = foldLikeGo(key);
    if (key !== folded && engineFields.has(folded)) problems.push(`${JSON.stringify(key)} is a case variant of the field "${folded}"`);
    else if (seen.has(key)) problems.push(`${JSON.stringify(key)} appears more than once`);
    seen.add(key);
  }
  return problems;
}

/**
 * The engine's fields are ASCII; besides ASCII case, Go's folding maps only the Kelvin sign (U+212A) to "k"
 * and the long s (U+017F) to "s" onto ASCII letters.
 */
function foldLikeGo(key: string): string {
  return key
    .replace(/\u212a/g, 'k')
    .replace(/\u017f/g, 's')
    .replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
