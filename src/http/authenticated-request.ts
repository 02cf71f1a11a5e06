import type { Request } from 'express';
import type { AuthenticatedProject } from '../domain/access/key-check';

/** The console session an admin request came with (absent: an admin key in the Authorization header). */
export interface ConsoleSession {
  sessionId: string;
  adminKeyName: string;
  expiresAt: Date;
}

/** Who is calling, as AuthGuard established it. */
export type Caller =
  | { kind: 'project'; project: AuthenticatedProject }
  | { kind: 'admin'; adminKeyId: string; session?: ConsoleSession }
  | { kind: 'engine' }
  | { kind: 'metrics' }
  | { kind: 'public' };

/** The request every guarded handler receives: AuthGuard sets `caller` before any handler runs. */
export interface AuthenticatedRequest extends Request {
  caller: Caller;
}
