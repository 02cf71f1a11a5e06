import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { PatternOverlap } from '../../../domain/projects/pattern-ownership';
import { ProjectChanges } from '../../../domain/projects/project-changes';
import { ProjectsService } from '../../../domain/projects/projects.service';

/**
 * Reports restricted projects whose channel patterns overlap (a database from before the rule, or an edit by
 * hand). Always "up": an overlap is an operator's task, and must never take the service out of rotation.
 * Computed once per change of projects (every instance hears of changes), not per probe.
 */
@Injectable()
export class ChannelOverlapsIndicator {
  private overlaps?: Promise<PatternOverlap[]>;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly projects: ProjectsService,
    changes: ProjectChanges,
  ) {
    changes.onChange(() => (this.overlaps = undefined));
  }

  async check(key: 'channelPatterns') {
    this.overlaps ??= this.projects.findOverlaps();
    const indicator = this.indicators.check(key);
    try {
      const overlaps = await this.overlaps;
      return indicator.up(
        overlaps.length === 0
          ? { overlaps: 0 }
          : { overlaps: overlaps.length, message: 'Projects own a common channel: run `projects check`.', pairs: overlaps.slice(0, 10) },
      );
    } catch {
      this.overlaps = undefined; // the database check reports the outage; ask again next time
      return indicator.up({ overlaps: 'unknown' });
    }
  }
}
