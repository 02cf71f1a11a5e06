import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. AuthGuard reads this metadata; a route without it needs a project's server key
 * (deny by default).
 * - `server-key`: a backend with an active server key of an enabled project (handlers get @CurrentProject()).
 * - `admin`: the dashboard with an active admin key (`xs_ak_…`; handlers get @CurrentActor()).
 * - `engine`: the realtime engine's proxy calls, which carry the shared ENGINE_PROXY_SECRET header.
 * - `metrics`: a Prometheus scraper with `Authorization: Bearer <METRICS_TOKEN>`.
 * - `public`: anyone (health probes, the local test page).
 */
export type RouteCaller = 'server-key' | 'admin' | 'engine' | 'metrics' | 'public';

export const ROUTE_CALLER = 'xshathra:routeCaller';

export const CallableBy = (caller: RouteCaller) => SetMetadata(ROUTE_CALLER, caller);

/** Reachable without any credential. */
export const PublicRoute = () => CallableBy('public');

/** Reachable only with an admin key, never with a project key. */
export const AdminRoute = () => CallableBy('admin');

/** Reachable only with METRICS_TOKEN; without one configured, the route does not exist (404). */
export const MetricsRoute = () => CallableBy('metrics');

/** Reachable only by the engine (its subscribe proxy), never by a project key. */
export const EngineRoute = () => CallableBy('engine');
