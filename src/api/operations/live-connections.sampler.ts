import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LiveConnections } from '../../domain/live/live-connections';
import { ProjectsService } from '../../domain/projects/projects.service';
import { authConfig, type AuthConfig } from '../../platform/config/app.config';
import { Metrics } from '../../platform/metrics/metrics';

const SAMPLE_INTERVAL_MS = 15_000;

/**
 * Samples every enabled project's live connections into Prometheus (`xshathra_project_live_connections`), on
 * an interval rather than per scrape: one database query and one batched engine call (500 projects per
 * command batch) each time, whatever the number of scrapers. Only while metrics are on (METRICS_TOKEN).
 */
@Injectable()
export class LiveConnectionsSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveConnectionsSampler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly projects: ProjectsService,
    private readonly live: LiveConnections,
    private readonly metrics: Metrics,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.metricsToken) return;
    this.timer = setInterval(() => void this.sample(), SAMPLE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    try {
      const enabled = (await this.projects.listProjects()).projects.filter((project) => project.disabledAt === null);
      const counts = await this.live.countsOf(enabled.map((project) => project.id));
      if (!counts) return; // the engine lacks the namespace: readiness says so
      this.metrics.liveConnectionsSampled(new Map(enabled.map((project) => [project.slug, counts.get(project.id)?.connections ?? 0])));
    } catch (error) {
      this.logger.debug(`Live connections not sampled: ${(error as Error).message}`);
    }
  }
}
