/** A per-minute limit as a count per window of `windowSeconds` (at least 1). */
export function perWindow(perMinute: number, windowSeconds: number): number {
  return Math.max(1, Math.ceil((perMinute * windowSeconds) / 60));
}
