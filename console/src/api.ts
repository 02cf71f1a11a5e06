/*
 * The console's only way to the service: the documented admin API, same origin, with the session cookie
 * (sent by the browser, never readable here) and the console's header, which the service requires on every
 * change made with a session. Errors become one readable sentence (the API's own `error`), never raw JSON.
 */

export const SESSION_PATH = '/api/admin/session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let sessionEnded: (message: string) => void = () => undefined;

/** Who to tell when the service says the session is over (401 on any call but sign-in). */
export function onSessionEnded(handler: (message: string) => void): void {
  sessionEnded = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'X-Xshathra-Console': '1', Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The service did not answer. Check that it is running, then try again.');
  }
  if (response.status === 204) return undefined as T;
  const parsed: unknown = await response.json().catch(() => undefined);
  if (response.ok) return parsed as T;
  const error = new ApiError(response.status, messageOf(response, parsed));
  if (response.status === 401 && !(method === 'POST' && path === SESSION_PATH)) sessionEnded(error.message);
  throw error;
}

function messageOf(response: Response, body: unknown): string {
  const { error, details } = (body ?? {}) as { error?: unknown; details?: unknown };
  if (typeof error !== 'string') return `The service answered ${response.status} ${response.statusText}.`.replace(' .', '.');
  return Array.isArray(details) && details.length > 0 ? `${error} ${details.join(' ')}` : error;
}

/* The admin API's shapes, as docs/api-reference.md describes them. */

export interface Project {
  id: string;
  name: string;
  slug: string;
  channels: string[];
  unrestricted: boolean;
  rateLimitPerMinute: number | null;
  createdAt: string;
  disabledAt: string | null;
  connections: number | null;
  users: number | null;
}

export interface ProjectPage {
  projects: Project[];
  page: number;
  pageSize: number;
  total: number;
}

export interface Key {
  id: string;
  projectId: string;
  kind: 'server' | 'client';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedProject {
  project: Project;
  serverApiKey: string;
  clientApiKey: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: 'cli' | 'admin-key';
  adminKeyId: string | null;
  action: string;
  projectId: string | null;
  keyId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  page: number;
  pageSize: number;
  total: number;
}

export interface Session {
  adminKeyId: string;
  adminKeyName?: string;
  expiresAt?: string;
  idleMinutes: number;
}
