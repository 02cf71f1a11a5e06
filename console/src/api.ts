/*
 * The console's only way to the service: the documented admin API, same origin, with the session cookie
 * (sent by the browser, never readable here) and the console's header, which the service requires on every
 * change made with a session. Errors become one readable sentence (the API's own `error`), never raw JSON.
 */
import type { components } from '../../sdk/node/src/generated/api';

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

/*
 * The admin API's shapes: the types generated from the service's own OpenAPI document (the Node SDK's,
 * `npm run openapi`), so that the console cannot drift from what the API answers. Type-only: nothing of the
 * SDK is bundled.
 */

type Schemas = components['schemas'];
export type Project = Schemas['LiveProjectDto'];
export type ProjectPage = Schemas['ProjectPageDto'];
export type Key = Schemas['KeyView'];
export type CreatedProject = Schemas['CreatedProjectDto'];
export type AuditEntry = Schemas['AuditEntryView'];
export type AuditPage = Schemas['AuditPageDto'];
export type Session = Schemas['SessionDto'];
export type DebugFeed = Schemas['DebugFeedDto'];
