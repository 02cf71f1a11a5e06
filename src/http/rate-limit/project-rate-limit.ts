import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Response } from 'express';
import type { AuthenticatedProject } from '../../domain/access/key-check';
import { rateLimitConfig, type RateLimitConfig } from '../../platform/config/app.config';
import { setRateLimitHeaders } from './rate-limit-headers';
import { ResilientThrottlerStorage } from './resilient-storage';
import { perWindow } from './window';

/** The throttler's name: in the `RateLimit` fields and in the storage's keys (shared through Redis: never renamed). */
const PROJECT_THROTTLER = 'project';

/**
 * The per-project request-rate limit (RATE_LIMIT_PER_MINUTE, or the project's own limit), counted for the whole
 * project (all its keys and routes) in windows of RATE_LIMIT_WINDOW_SECONDS, so that one project cannot starve
 * the others. AuthGuard counts every request a server key authenticates, once it knows the project: one O(1)
 * count in the throttler storage, with the keys, headers, 429 and message @nestjs/throttler's guard had, and
 * none of its per-request metadata lookups (bench/findings.md).
 */
@Injectable()
export class ProjectRateLimit {
  private readonly windowMs: number;

  constructor(
    private readonly storage: ResilientThrottlerStorage,
    @Inject(rateLimitConfig.KEY) private readonly config: RateLimitConfig,
  ) {
    this.windowMs = config.rateLimitWindowSeconds * 1000;
  }

  /** Counts one request of `project`; sets the `RateLimit` fields, and throws 429 (with `Retry-After`) past the limit. */
  async count(project: AuthenticatedProject, response: Response): Promise<void> {
    const { windowMs } = this;
    const windowSeconds = this.config.rateLimitWindowSeconds;
    const limit = perWindow(project.rateLimitPerMinute ?? this.config.rateLimitPerMinute, windowSeconds);
    const key = `${PROJECT_THROTTLER}:${project.projectId}`;
    const record = await this.storage.increment(key, windowMs, limit, windowMs, PROJECT_THROTTLER);
    const resetSeconds = record.isBlocked ? record.timeToBlockExpire : record.timeToExpire;
    setRateLimitHeaders(response, { name: PROJECT_THROTTLER, limit, windowSeconds }, limit - record.totalHits, resetSeconds);
    if (!record.isBlocked) return;
    response.setHeader('Retry-After', String(record.timeToBlockExpire));
    throw new ThrottlerException(
      `Rate limit exceeded: project "${project.projectSlug}" may make ${limit} requests per ${windowSeconds} s; retry in ${record.timeToBlockExpire} s.`,
    );
  }
}
