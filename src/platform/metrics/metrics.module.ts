import { Global, Module } from '@nestjs/common';
import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { DatabasePoolMetric } from './database-pool.metric';
import { METRIC, Metrics } from './metrics';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The service's Prometheus metrics, in prom-client's registry (served by src/api/operations/metrics-endpoint.module.ts). */
@Global()
@Module({
  providers: [
    Metrics,
    DatabasePoolMetric,
    makeCounterProvider({
      name: METRIC.tokensMinted,
      help: 'Tokens minted, per project and kind (connection, subscription).',
      labelNames: ['project', 'kind'],
    }),
    makeCounterProvider({ name: METRIC.publishes, help: 'Publishes forwarded to the engine, per project.', labelNames: ['project'] }),
    makeCounterProvider({
      name: METRIC.clientErrors,
      help: 'Answers with a 4xx status, per project (empty: not authenticated) and status.',
      labelNames: ['project', 'status'],
    }),
    makeCounterProvider({
      name: METRIC.rateLimited,
      help: 'Requests refused with 429, per project (empty: per client address).',
      labelNames: ['project'],
    }),
    makeHistogramProvider({
      name: METRIC.requestDuration,
      help: 'HTTP request latency per route.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
    }),
    makeCounterProvider({
      name: METRIC.engineRequests,
      help: "Calls to the engine's HTTP API, per operation and outcome.",
      labelNames: ['operation', 'outcome'],
    }),
    makeHistogramProvider({
      name: METRIC.engineDuration,
      help: "Latency of calls to the engine's HTTP API.",
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS,
    }),
    makeGaugeProvider({ name: METRIC.proxiedWebSockets, help: 'WebSockets this instance proxies to the engine now.' }),
    makeGaugeProvider({
      name: METRIC.projectLiveConnections,
      help: 'Live connections per enabled project, sampled every 15 s from the engine (only while METRICS_TOKEN is set).',
      labelNames: ['project'],
    }),
    makeCounterProvider({
      name: METRIC.keyCacheLookups,
      help: 'API-key checks answered from the cache (hit) or the database (miss).',
      labelNames: ['result'],
    }),
  ],
  exports: [Metrics],
})
export class MetricsModule {}
