/**
 * What a connection token's `meta` claim carries. Centrifugo keeps `meta` server-side (clients never see
 * it) and hands it to the subscribe proxy, which decides client-side subscriptions by this project.
 */
export interface ConnectionMeta {
  projectId: string;
}

export function connectionMeta(projectId: string): ConnectionMeta {
  return { projectId };
}

/** The meta of a connection as the engine's proxy reports it; undefined for anything else (old tokens too). */
export function readConnectionMeta(meta: unknown): ConnectionMeta | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { projectId } = meta as Record<string, unknown>;
  return typeof projectId === 'string' && projectId.length > 0 ? { projectId } : undefined;
}
