import { createHash, randomBytes } from 'node:crypto';

/** The rules for API keys: their format, hashing and how they arrive in a request. */

export type ApiKeyKind = 'server' | 'client';
export const API_KEY_KINDS: readonly ApiKeyKind[] = ['server', 'client'];

const PREFIX_BY_KIND: Record<ApiKeyKind, string> = { server: 'xs_sk_', client: 'xs_pk_' };
const SECRET_BYTES = 32;
/** Characters kept for listings: the kind marker plus 6 characters of the random part. */
const DISPLAY_PREFIX_LENGTH = 12;

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: string;
}

const KEY_FORMAT = /^xs_(sk|pk)_[A-Za-z0-9_-]{43}$/;

/** Whether `key` could be a key of this kind at all; anything else is refused without a lookup. */
export function isWellFormedKey(key: string, kind: ApiKeyKind): boolean {
  return key.startsWith(PREFIX_BY_KIND[kind]) && KEY_FORMAT.test(key);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(kind: ApiKeyKind): GeneratedKey {
  const key = PREFIX_BY_KIND[kind] + randomBytes(SECRET_BYTES).toString('base64url');
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/**
 * Extracts the key from `Authorization: apikey <key>` or `Bearer <key>` (scheme case-insensitive).
 * Returns undefined for anything else, including a missing header.
 */
export function parseAuthorizationHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*(apikey|bearer)\s+(\S+)\s*$/i.exec(header);
  return match ? match[2] : undefined;
}
