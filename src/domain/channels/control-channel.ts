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

/** Where a project's debug events go while someone watches them in the console (see DebugFeed). */
export function debugChannel(projectId: string): string {
  return `${RESERVED_PREFIX}debug.${projectId}`;
}

/**
 * Every console watching a debug feed is also subscribed here, with the project it watches in its connection
 * info: the engine's presence on this one channel tells every app instance which projects are watched.
 */
export const DEBUG_WATCHERS_CHANNEL = `${RESERVED_PREFIX}debug-watchers`;

/** Whether the channel is in the reserved namespace (its namespace is what comes before the first `:`). */
export function isReservedChannel(channel: string): boolean {
  return channel.startsWith(RESERVED_PREFIX);
}
