import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of a request says about it (pino-http's request view, as this service has always logged it). */
export interface LoggedRequest {
  id: string;
  method: string | undefined;
  url: string | undefined;
  userAgent: string | undefined;
  remoteAddress: string | undefined;
}

/** The caller's ids, once AuthGuard knows them (never the key itself). */
export type CallerLogFields = { projectId: string; keyId: string } | { adminKeyId: string };

/**
 * One object per request, made once when it arrives (RequestTracking) and reachable from anything that runs on
 * its behalf, through Node's AsyncLocalStorage: the logger reads it for every line (a pino `mixin`), instead of
 * a child logger being built per request and another per assigned field.
 */
export class RequestContext {
  private caller?: CallerLogFields;

  constructor(readonly req: LoggedRequest) {}

  /** From now on, every line of this request names its caller. */
  assignCaller(caller: CallerLogFields): void {
    this.caller = caller;
  }

  /** The request's fields of a log line, fresh for each line (pino merges the line's own fields into it). */
  logFields(): Record<string, unknown> {
    return { req: this.req, ...this.caller };
  }
}

const contexts = new AsyncLocalStorage<RequestContext>();

/** Runs `next` (and everything it starts) as part of the request `context`. */
export function runInRequest(context: RequestContext, next: () => void): void {
  contexts.run(context, next);
}

/** The request being served, if any. */
export function currentRequest(): RequestContext | undefined {
  return contexts.getStore();
}
