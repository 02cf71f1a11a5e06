import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiExcludeController,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../error-response.dto';

/**
 * Who may call a route: one decorator per kind, carrying its authentication (read by AuthGuard), its rate
 * limits and its OpenAPI entries together. A route without one needs a server key (deny by default).
 * - `server-key`: a backend with an active server key of an enabled project (handlers get @CurrentProject()).
 * - `admin`: an active admin key (`xs_ak_…`), or the console's session cookie (handlers get @CurrentActor()).
 * - `engine`: the realtime engine's proxy calls, which carry the shared ENGINE_PROXY_SECRET header.
 * - `metrics`: a Prometheus scraper with `Authorization: Bearer <METRICS_TOKEN>`.
 * - `public`: anyone (health probes, the local test page).
 */
export type RouteCaller = 'server-key' | 'admin' | 'engine' | 'metrics' | 'public';

export const ROUTE_CALLER = 'xshathra:routeCaller';

const CallableBy = (caller: RouteCaller) => SetMetadata(ROUTE_CALLER, caller);

/** The OpenAPI security scheme of server-key routes (an HTTP bearer scheme, declared in api/operations/openapi.ts). */
export const SERVER_KEY_SCHEME = 'server-key';

const TOO_MANY_FAILURES = 'Too many authentication attempts with unknown keys from this address (with `Retry-After`).';

/** A project's server key (`Authorization: apikey xs_sk_…`); counted against the project's rate limit. */
export const ServerKeyRoute = () =>
  applyDecorators(
    CallableBy('server-key'),
    ApiBearerAuth(SERVER_KEY_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or invalid Authorization, or not an active server key.' }),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description: `Over the project's rate limit, or: ${TOO_MANY_FAILURES} With \`Retry-After\` and the IETF \`RateLimit\` fields.`,
    }),
  );

/** Reachable only with an admin key, or the console's session cookie (see console-session.ts); never with a project key. */
export const AdminRoute = () =>
  applyDecorators(
    CallableBy('admin'),
    ApiBearerAuth('admin-key'),
    ApiCookieAuth('console-session'),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No admin key, or not an active one (a project key never is), or a console session that has ended.',
    }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'A change made with the session cookie from another origin.' }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: TOO_MANY_FAILURES }),
  );

/** Reachable only by the engine (its subscribe proxy), never by a project key; not part of the public API. */
export const EngineRoute = () => applyDecorators(CallableBy('engine'), ApiExcludeController());

/** Reachable only with METRICS_TOKEN; without one configured, the route does not exist (404). */
export const MetricsRoute = () => applyDecorators(CallableBy('metrics'), ApiExcludeController());

/** Reachable without any credential. */
export const PublicRoute = () => CallableBy('public');
