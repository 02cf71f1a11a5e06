import type { ChannelPolicy } from '../channels/channel-policy';

/** A backend authenticated by a project's server key. */
export interface AuthenticatedProject {
  projectId: string;
  projectSlug: string;
  keyId: string;
  /** The project's channel policy, compiled once per key lookup. */
  channels: ChannelPolicy;
  /** Its own requests-per-minute limit; null: the deployment's default. */
  rateLimitPerMinute: number | null;
}

/** Why a key was refused: for the log only (callers get one message for all, see AuthGuard). */
export type KeyRejection = 'malformed' | 'unknown' | 'revoked' | 'client-key' | 'project-disabled';

export type KeyCheck = { ok: true; project: AuthenticatedProject } | { ok: false; reason: KeyRejection };
