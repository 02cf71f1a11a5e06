/**
 * The service's own namespace. Every connection token it mints also subscribes the connection, server-side,
 * to its project's control channel there (`xshathra:project.<projectId>`), so that the engine's presence on
 * that channel is the exact list of the project's live connections on every engine node. No project, not even
 * an unrestricted one, may name a channel of this namespace: tokens, publish, broadcast, presence, history,
 * the channel list and client-side subscriptions all refuse it.
 */
export const RESERVED_NAMESPACE = 'xshathra';

const RESERVED_PREFIX = `${RESERVED_NAMESPACE}:`;

export function controlChannel(projectId: string): string {
  return `${RESERVED_PREFIX}project.${projectId}`;
}

/** Whether the channel is in the reserved namespace (its namespace is what comes before the first `:`). */
export function isReservedChannel(channel: string): boolean {
  return channel.startsWith(RESERVED_PREFIX);
}
