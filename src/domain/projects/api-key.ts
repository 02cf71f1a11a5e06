import { hash, randomBytes } from 'node:crypto';

/** The rules for keys: their format and hashing. Project keys (server, client) and admin keys share them. */

export type ApiKeyKind = 'server' | 'client';
export const API_KEY_KINDS: readonly ApiKeyKind[] = ['server', 'client'];
export type KeyKind = ApiKeyKind | 'admin';

const PREFIX_BY_KIND: Record<KeyKind, string> = { server: 'xs_sk_', client: 'xs_pk_', admin: 'xs_ak_' };
const SECRET_BYTES = 32;
/** 32 random bytes in base64url, without padding. */
const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** Characters kept for listings: the kind marker plus 6 characters of the random part. */
const DISPLAY_PREFIX_LENGTH = 12;

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: string;
}

/** Whether `key` could be a key of this kind at all; anything else is refused without a lookup. */
export function isWellFormedKey(key: string, kind: KeyKind): boolean {
  const prefix = PREFIX_BY_KIND[kind];
  return key.startsWith(prefix) && SECRET_FORMAT.test(key.slice(prefix.length));
}

/** SHA-256 in hex. Node's one-shot hash: a third of createHash's cost, on every request's key. */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function generateApiKey(kind: KeyKind): GeneratedKey {
  const key = PREFIX_BY_KIND[kind] + randomBytes(SECRET_BYTES).toString('base64url');
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/**
 * What a client key (`xs_pk_…`) is for, in the words the CLI prints and the OpenAPI document gives: it exists
 * so that client-side features can be added without new keys, and nothing accepts it yet.
 */
export const CLIENT_KEY_PURPOSE =
  'reserved for client-side use (browsers, apps); no HTTP endpoint accepts it today, so nothing needs it yet';
