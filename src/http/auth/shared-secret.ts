import { timingSafeEqual } from 'node:crypto';

/** The header Centrifugo's proxy sends (its `static_headers`), carrying ENGINE_PROXY_SECRET. */
export const ENGINE_PROXY_SECRET_HEADER = 'x-xshathra-proxy-secret';

/**
 * Whether a presented secret (engine proxy secret, metrics token) is the expected one. Compares in constant
 * time, so the answer's timing says nothing about how much of a guess was right.
 */
export function isSharedSecret(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
