import { readFileSync } from 'node:fs';

/** Descriptors the process needs besides its proxied connections: listeners, the database pool, logs, Redis. */
const BASE_DESCRIPTORS = 100;

/**
 * Open files a proxying instance needs: two per proxied connection (the client's socket and the engine's)
 * plus its own. MAX_PROXIED_WEBSOCKETS=10000 therefore needs about 20,100.
 */
export function descriptorsNeeded(maxProxiedConnections: number): number {
  return 2 * maxProxiedConnections + BASE_DESCRIPTORS;
}

/** The soft limit on open files from a /proc/<pid>/limits text; undefined when unlimited or not found. */
export function openFilesLimit(limitsText: string): number | undefined {
  const soft = /^Max open files\s+(\d+)/m.exec(limitsText)?.[1];
  return soft === undefined ? undefined : Number(soft);
}

/**
 * A warning when this process may open fewer files than MAX_PROXIED_WEBSOCKETS needs: past the limit the
 * engine side of a new connection cannot be opened, and its handshake fails with 502. Linux only (elsewhere
 * there is no /proc to read, and nothing is said).
 */
export function fileLimitWarning(
  maxProxiedConnections: number,
  readLimits = () => readFileSync('/proc/self/limits', 'utf8'),
): string | undefined {
  let limit: number | undefined;
  try {
    limit = openFilesLimit(readLimits());
  } catch {
    return undefined;
  }
  const needed = descriptorsNeeded(maxProxiedConnections);
  if (limit === undefined || limit >= needed) return undefined;
  return (
    `MAX_PROXIED_WEBSOCKETS=${maxProxiedConnections} needs about ${needed} open files, but this process may open ${limit}: ` +
    `beyond about ${Math.floor((limit - BASE_DESCRIPTORS) / 2)} realtime connections, handshakes will fail with 502. ` +
    'Raise the limit (ulimit -n, systemd LimitNOFILE, compose ulimits) or lower MAX_PROXIED_WEBSOCKETS.'
  );
}
