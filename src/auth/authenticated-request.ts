import type { Request } from 'express';
import type { ChannelPolicy } from '../tenancy/channel-policy';

/** A backend authenticated by a project's server key. */
export interface AuthenticatedProject {
  projectId: string;
  projectSlug: string;
  keyId: string;
  /** The project's channel policy, compiled once per key lookup. */
  channels: ChannelPolicy;
}

/** Who is calling, as AuthGuard established it. */
export type Caller = { kind: 'project'; project: AuthenticatedProject } | { kind: 'engine' } | { kind: 'public' };

/** The request every guarded handler receives: AuthGuard sets `caller` before any handler runs. */
export interface AuthenticatedRequest extends Request {
  caller: Caller;
}

/** Why a key was refused, worded for the caller. */
export type KeyRejection = 'unknown' | 'revoked' | 'client-key' | 'project-disabled';

export type KeyCheck = { ok: true; project: AuthenticatedProject } | { ok: false; reason: KeyRejection };
