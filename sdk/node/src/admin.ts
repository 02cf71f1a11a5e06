import { checkedKey, checkedNumber, checkedOrigin, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, type ClientOptions } from './options.js';
import { Transport, type CallOptions } from './transport.js';
import type {
  ApiKey,
  ApiKeyKind,
  AuditEntry,
  AuditPage,
  AuditQuery,
  CreatedKey,
  CreatedProject,
  CreateProjectRequest,
  DebugFeed,
  DisconnectedProject,
  PageQuery,
  Project,
  ProjectPage,
  UpdateProjectRequest,
} from './types.js';

export interface XshathraAdminOptions extends ClientOptions {
  /** An admin key (`xs_ak_…`, made with `npm run cli -- admin-keys create`). */
  adminKey: string;
}

/**
 * The admin API (`/api/admin/*`): projects, their keys and the audit log. Creating a project or a key is never
 * retried (a retry could create a second one); reads and changes that are the same when repeated are.
 */
export class XshathraAdmin {
  readonly #http: Transport;

  constructor(options: XshathraAdminOptions) {
    const key = checkedKey(options?.adminKey, 'adminKey', 'xs_ak_');
    this.#http = new Transport({
      origin: checkedOrigin(options.origin),
      authorization: `Bearer ${key}`,
      secret: key,
      timeoutMs: checkedNumber(options.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, 1),
      retries: checkedNumber(options.retries, 'retries', DEFAULT_RETRIES, 0),
      fetch: options.fetch ?? globalThis.fetch,
    });
  }

  readonly projects = {
    /** A new project and its first server and client keys (shown once). 409 when its patterns overlap another project's. */
    create: (request: CreateProjectRequest, options?: CallOptions): Promise<CreatedProject> =>
      this.#http.request({ method: 'POST', path: '/api/admin/projects', body: request, retry: false }, options),
    /** One page of projects, oldest first. */
    list: (query: PageQuery = {}, options?: CallOptions): Promise<ProjectPage> =>
      this.#http.request({ method: 'GET', path: '/api/admin/projects', query, retry: true }, options),
    get: (id: string, options?: CallOptions): Promise<Project> =>
      this.#http.request({ method: 'GET', path: `/api/admin/projects/${segment(id)}`, retry: true }, options),
    /** Changes only what is given: name, channels, unrestricted, rateLimitPerMinute. */
    update: (id: string, request: UpdateProjectRequest, options?: CallOptions): Promise<Project> =>
      this.#http.request({ method: 'PATCH', path: `/api/admin/projects/${segment(id)}`, body: request, retry: true }, options),
    /** Every key of the project is refused from now on. */
    disable: (id: string, options?: CallOptions): Promise<Project> =>
      this.#http.request({ method: 'POST', path: `/api/admin/projects/${segment(id)}/disable`, retry: true }, options),
    enable: (id: string, options?: CallOptions): Promise<Project> =>
      this.#http.request({ method: 'POST', path: `/api/admin/projects/${segment(id)}/enable`, retry: true }, options),
    /** Closes every live connection of the project (terminal code 4501); its keys keep working. */
    disconnect: (id: string, options?: CallOptions): Promise<DisconnectedProject> =>
      this.#http.request({ method: 'POST', path: `/api/admin/projects/${segment(id)}/disconnect`, retry: true }, options),
    /**
     * A token to watch the project's debug events live: connect a centrifuge client to `websocketPath` on the
     * service's origin with `token`; each publication on `channel` is `{events, dropped?}`.
     */
    debugFeed: (id: string, options?: CallOptions): Promise<DebugFeed> =>
      this.#http.request({ method: 'POST', path: `/api/admin/projects/${segment(id)}/debug-feed`, retry: true }, options),
  };

  readonly keys = {
    /** A new key of the project (the full key is in `key`, shown once). */
    create: (projectId: string, kind: ApiKeyKind, options?: CallOptions): Promise<CreatedKey> =>
      this.#http.request({ method: 'POST', path: `/api/admin/projects/${segment(projectId)}/keys`, body: { kind }, retry: false }, options),
    /** The project's keys, by prefix only. */
    list: async (projectId: string, options?: CallOptions): Promise<ApiKey[]> =>
      (
        await this.#http.request<{ keys: ApiKey[] }>(
          { method: 'GET', path: `/api/admin/projects/${segment(projectId)}/keys`, retry: true },
          options,
        )
      ).keys,
    /** Revokes a key, on every instance at once. */
    revoke: (projectId: string, keyId: string, options?: CallOptions): Promise<ApiKey> =>
      this.#http.request(
        { method: 'DELETE', path: `/api/admin/projects/${segment(projectId)}/keys/${segment(keyId)}`, retry: true },
        options,
      ),
  };

  readonly audit = {
    /** One page of the audit log, newest first. */
    page: (query: AuditQuery = {}, options?: CallOptions): Promise<AuditPage> =>
      this.#http.request({ method: 'GET', path: '/api/admin/audit', query, retry: true }, options),
    /**
     * Every page from `query.page` (default 1) to the last. Entries written while iterating push older ones to
     * later pages, so an entry may show up twice: de-duplicate by `id` if that matters.
     */
    pages: (query: AuditQuery = {}, options?: CallOptions): AsyncGenerator<AuditPage> => this.#pages(query, options),
    /** Every entry, newest first, page after page (see `pages`). */
    entries: (query: AuditQuery = {}, options?: CallOptions): AsyncGenerator<AuditEntry> => this.#entries(query, options),
  };

  async *#pages(query: AuditQuery, options?: CallOptions): AsyncGenerator<AuditPage> {
    for (let page = query.page ?? 1; ; page++) {
      const current = await this.audit.page({ ...query, page }, options);
      yield current;
      if (current.entries.length === 0 || page * current.pageSize >= current.total) return;
    }
  }

  async *#entries(query: AuditQuery, options?: CallOptions): AsyncGenerator<AuditEntry> {
    for await (const page of this.#pages(query, options)) yield* page.entries;
  }
}

/** An id as one path segment: `../` or `?` in it cannot reach another route. */
function segment(id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id === '.' || id === '..') throw new TypeError('An id must be a non-empty string');
  return encodeURIComponent(id);
}
