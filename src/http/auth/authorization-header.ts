/**
 * Extracts the key from `Authorization: apikey <key>` or `Bearer <key>` (scheme case-insensitive).
 * Returns undefined for anything else, including a missing header.
 */
export function parseAuthorizationHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*(apikey|bearer)\s+(\S+)\s*$/i.exec(header);
  return match ? match[2] : undefined;
}
