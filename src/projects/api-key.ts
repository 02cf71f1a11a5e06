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
