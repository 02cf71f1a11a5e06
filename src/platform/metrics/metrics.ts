import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

export const METRIC = {
  tokensMinted: 'xshathra_tokens_minted_total',
  publishes: 'xshathra_publishes_total',
  clientErrors: 'xshathra_http_client_errors_total',
  rateLimited: 'xshathra_rate_limited_total',
  requestDuration: 'xshathra_http_request_duration_seconds',
  engineRequests: 'xshathra_engine_requests_total',
  engineDuration: 'xshathra_engine_request_duration_seconds',
  proxiedWebSockets: 'xshathra_proxied_websockets',
  keyCacheLookups: 'xshathra_key_cache_lookups_total',
  projectLiveConnections: 'xshathra_project_live_connections',
} as const;

export type EngineOutcome = 'ok' | 'unreachable' | 'timeout' | 'refused_api_key';

/**
 * The service's own Prometheus metrics (prom-client, through @willsoto/nestjs-prometheus), behind methods
 * named for what happened, so that callers never handle label names. Per-project series are labelled with
 * the project's slug (`project`), which never changes.
 */
@Injectable()
export class Metrics {
  constructor(
    @InjectMetric(METRIC.tokensMinted) private readonly tokensMinted: Counter<'project' | 'kind'>,
    @InjectMetric(METRIC.publishes) private readonly publishes: Counter<'project'>,
    @InjectMetric(METRIC.clientErrors) private readonly clientErrors: Counter<'project' | 'status'>,
    @InjectMetric(METRIC.rateLimited) private readonly rateLimited: Counter<'project'>,
    @InjectMetric(METRIC.requestDuration) private readonly requestDuration: Histogram<'method' | 'route' | 'status'>,
    @InjectMetric(METRIC.engineRequests) private readonly engineRequests: Counter<'operation' | 'outcome'>,
    @InjectMetric(METRIC.engineDuration) private readonly engineDuration: Histogram<'operation'>,
    @InjectMetric(METRIC.proxiedWebSockets) private readonly proxiedWebSockets: Gauge,
    @InjectMetric(METRIC.keyCacheLookups) private readonly keyCacheLookups: Counter<'result'>,
    @InjectMetric(METRIC.projectLiveConnections) private readonly projectLiveConnections: Gauge<'project'>,
  ) {}

  tokenMinted(project: string, kind: 'connection' | 'subscription'): void {
    this.tokensMinted.inc({ project, kind });
  }

  published(project: string): void {
    this.publishes.inc({ project });
  }

  /** One finished HTTP request; `project` is empty when none was authenticated. */
  requestFinished(request: { method: string; route: string; status: number; project: string; seconds: number }): void {
    const status = String(request.status);
    this.requestDuration.observe({ method: request.method, route: request.route, status }, request.seconds);
    if (request.status >= 400 && request.status < 500) this.clientErrors.inc({ project: request.project, status });
    if (request.status === 429) this.rateLimited.inc({ project: request.project });
  }

  engineCall(operation: string, outcome: EngineOutcome, seconds: number): void {
    this.engineRequests.inc({ operation, outcome });
    this.engineDuration.observe({ operation }, seconds);
  }

  proxiedWebSocketsNow(count: number): void {
    this.proxiedWebSockets.set(count);
  }

  keyCacheLookup(hit: boolean): void {
    this.keyCacheLookups.inc({ result: hit ? 'hit' : 'miss' });
  }

  /** A new sample of every project's live connections (projects gone since the last one lose their series). */
  liveConnectionsSampled(byProject: ReadonlyMap<string, number>): void {
    this.projectLiveConnections.reset();
    for (const [project, connections] of byProject) this.projectLiveConnections.set({ project }, connections);
  }
}
