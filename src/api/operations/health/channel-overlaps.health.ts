import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { PatternOverlap } from '../../../domain/projects/pattern-ownership';
import { ProjectChanges } from '../../../domain/projects/project-changes';
import { ProjectsService } from '../../../domain/projects/projects.service';

/** How long a probe waits for a report being made; past it, the probe answers with the last one. */
const WAIT_MS = 200;

/** What the probe shows: 0, or how many pairs (the first ten), or why it cannot say yet. */
type Report = {
  overlaps: number | 'unknown' | 'checking';
  message?: string;
  pairs?: PatternOverlap[];
};

/**
 * Reports restricted projects whose channel patterns overlap (a database from before the rule, or an edit by
 * hand). Always "up": an overlap is an operator's task, and must never take the service out of rotation.
 * Made once per change of projects (every instance hears of changes), not per probe, and never makes a probe
 * wait long: with many projects the report takes a while (in slices that let requests through), and a probe
 * meanwhile answers with the previous report.
 */
@Injectable()
export class ChannelOverlapsIndicator {
  private latest: Report = { overlaps: 'checking' };
  private making?: Promise<Report>;
  private stale = true;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly projects: ProjectsService,
    changes: ProjectChanges,
  ) {
    changes.onChange(() => (this.stale = true));
  }

  async check(key: 'channelPatterns') {
    if (this.stale && !this.making) {
      this.stale = false;
      this.making = this.report().finally(() => (this.making = undefined));
    }
    if (this.making) await Promise.race([this.making, new Promise((resolve) => setTimeout(resolve, WAIT_MS).unref())]);
    return this.indicators.check(key).up(this.latest);
  }

  private async report(): Promise<Report> {
    try {
      const overlaps = await this.projects.findOverlaps();
      this.latest =
        overlaps.length === 0
          ? { overlaps: 0 }
          : { overlaps: overlaps.length, message: 'Projects own a common channel: run `projects check`.', pairs: overlaps.slice(0, 10) };
    } catch {
      this.stale = true; // the database check reports the outage; ask again next time
      this.latest = { overlaps: 'unknown' };
    }
    return this.latest;
  }
}
