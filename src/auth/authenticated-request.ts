import type { Request } from 'express';
import type { ChannelPolicy } from '../tenancy/channel-policy';

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

/** Who is calling, as AuthGuard established it. */
export type Caller =
  | { kind: 'project'; project: AuthenticatedProject }
  | { kind: 'admin'; adminKeyId: string }
  | { kind: 'engine' }
  | { kind: 'metrics' }
  | { kind: 'public' };

/** The request every guarded handler receives: AuthGuard sets `caller` before any handler runs. */
export interface AuthenticatedRequest extends Request {
  caller: Caller;
}

/** Why a key was refused: for the log only (callers get one message for all, see AuthGuard). */
export type KeyRejection = 'malformed' | 'unknown' | 'revoked' | 'client-key' | 'project-disabled';

export type KeyCheck = { ok: true; project: AuthenticatedProject } | { ok: false; reason: KeyRejection };
