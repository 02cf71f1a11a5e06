/** Who is calling: attached to the request by ApiKeyGuard. */
export interface AuthenticatedProject {
  projectId: string;
  projectSlug: string;
  keyId: string;
}

/** Why a key was refused, worded for the caller. */
export type KeyRejection = 'unknown' | 'revoked' | 'client-key' | 'project-disabled';

export type KeyCheck = { ok: true; project: AuthenticatedProject } | { ok: false; reason: KeyRejection };
