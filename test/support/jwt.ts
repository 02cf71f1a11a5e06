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

/** An HS256 JWT signed with `secret`: what only someone holding the deployment's secret could make. */
export function signHs256(claims: object, secret: string): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
