import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies an HS256 JWT independently of the library that signed it and returns its header and claims.
 * Throws when the signature does not match the secret.
 */
export function verifyHs256(token: string, secret: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, payload, signature] = token.split('.');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const actual = Buffer.from(signature ?? '', 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Error('JWT signature does not verify');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: decode(header), claims: decode(payload) };
}
