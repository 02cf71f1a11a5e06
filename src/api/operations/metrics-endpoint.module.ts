import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { ProjectsModule } from '../../domain/projects/projects.module';
import { LiveConnectionsSampler } from './live-connections.sampler';
import { MetricsController } from './metrics.controller';

/** GET /metrics (with METRICS_TOKEN): the registry of src/platform/metrics, default Node.js metrics included. */
@Module({
  imports: [
    PrometheusModule.register({ controller: MetricsController, path: '/metrics', defaultMetrics: { enabled: true } }),
    ProjectsModule,
  ],
  providers: [LiveConnectionsSampler],
})
export class MetricsEndpointModule {}
