import type { Request } from 'express';
import type { AuthenticatedProject } from '../domain/access/key-check';

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
