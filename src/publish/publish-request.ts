import { BadRequestException } from '@nestjs/common';
import { topLevelKeys } from './top-level-keys';

/** The fields of Centrifugo's publish request (v6 `PublishRequest` in internal/apiproto/api.proto). */
const ENGINE_PUBLISH_FIELDS = new Set([
  'channel',
  'data',
  'b64data',
  'skip_history',
  'tags',
  'idempotency_key',
  'delta',
  'version',
  'version_epoch',
]);

/**
 * The minimum the control plane checks before forwarding: a JSON object with a well-formed string `channel`
 * and a `data` member, whose top level says the same thing to every JSON decoder. Everything else (tags,
 * idempotency_key, …) is the engine's to validate. Returns the channel the engine will publish to.
 */
export function assertPublishRequest(body: unknown, rawBody: Buffer): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('The request body must be a JSON object.');
  }
  const problems = ambiguousKeys(rawBody);
  const { channel } = body as Record<string, unknown>;
  if (typeof channel !== 'string' || channel.length === 0) problems.push('channel must be a non-empty string');
  else if (!channel.isWellFormed()) problems.push('channel must be well-formed Unicode');
  if (!('data' in body)) problems.push('data is required');
  if (problems.length > 0) {
    throw new BadRequestException({ message: `Invalid request body: ${problems.join('; ')}.`, details: problems });
  }
  return channel as string;
}

/**
 * The engine decodes keys case-insensitively (Go's `encoding/json`, with Unicode folding) and keeps the last
 * of two equal keys, while JSON.parse is case-sensitive. A publish field spelled in another case, or a key
 * given twice, could make the engine act on a channel other than the one checked here, so both are refused.
 */
function ambiguousKeys(rawBody: Buffer): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  let keys: string[];
  try {
    keys = topLevelKeys(rawBody.toString('utf8'));
  } catch {
    return ['the body must be JSON encoded as UTF-8'];
  }
  for (const key of keys) {
    const folded = foldLikeGo(key);
    if (key !== folded && ENGINE_PUBLISH_FIELDS.has(folded))
      problems.push(`${JSON.stringify(key)} is a case variant of the publish field "${folded}"`);
    else if (seen.has(key)) problems.push(`${JSON.stringify(key)} appears more than once`);
    seen.add(key);
  }
  return problems;
}

/**
 * The publish fields are ASCII; besides ASCII case, Go's folding maps only the Kelvin sign (U+212A) to "k"
 * and the long s (U+017F) to "s" onto ASCII letters.
 */
function foldLikeGo(key: string): string {
  return key
    .replace(/\u212a/g, 'k')
    .replace(/\u017f/g, 's')
    .replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
