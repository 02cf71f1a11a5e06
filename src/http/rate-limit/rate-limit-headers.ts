import type { Response } from 'express';

/**
 * The IETF rate-limit fields (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy` says the quota and
 * window, `RateLimit` what is left of it and in how many seconds it resets.
 */
export function setRateLimitHeaders(
  response: Response,
  policy: { name: string; limit: number; windowSeconds: number },
  remaining: number,
  resetSeconds: number,
): void {
  response.setHeader('RateLimit-Policy', `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`);
  response.setHeader('RateLimit', `"${policy.name}";r=${Math.max(0, remaining)};t=${Math.max(0, resetSeconds)}`);
}
