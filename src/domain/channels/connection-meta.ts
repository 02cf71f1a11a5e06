/**
 * What a connection token's `meta` claim carries. Centrifugo keeps `meta` server-side (clients never see
 * it) and hands it to the subscribe proxy, which decides client-side subscriptions by the key that minted
 * the token (refused once it is revoked) and its project (refused once disabled; its channel policy).
 */
export interface ConnectionMeta {
  projectId: string;
  /**
   * The server key that minted the token. Absent only in tokens minted before key ids were recorded
   * (they live 3600 s at most); the subscribe proxy then decides by the project alone.
   */
  keyId?: string;
}

export function connectionMeta(projectId: string, keyId: string): ConnectionMeta {
  return { projectId, keyId };
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The meta of a connection as the engine's proxy reports it; undefined for anything else (tokens from before tenancy too). */
export function readConnectionMeta(meta: unknown): ConnectionMeta | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { projectId, keyId } = meta as Record<string, unknown>;
  if (!isId(projectId)) return undefined;
  if (keyId === undefined) return { projectId };
  return isId(keyId) ? { projectId, keyId } : undefined;
}
