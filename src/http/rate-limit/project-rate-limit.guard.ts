import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import type { Response } from 'express';
import { setRateLimitHeaders } from './rate-limit-headers';

/**
 * @nestjs/throttler's guard, answering with the IETF `RateLimit` / `RateLimit-Policy` fields (and
 * `Retry-After` on 429) instead of its X-RateLimit-* ones. The limits themselves are configured in
 * RateLimitModule: per project, on the routes a server key calls. Runs after AuthGuard, which has
 * established the project.
 */
@Injectable()
export class ProjectRateLimitGuard extends ThrottlerGuard {
  protected override async handleRequest({
    context,
    limit,
    ttl,
    throttler,
    blockDuration,
    getTracker,
    generateKey,
  }: ThrottlerRequest): Promise<boolean> {
    const { req, res } = this.getRequestResponse(context);
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, throttler.name!);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, throttler.name!);
    const resetSeconds = record.isBlocked ? record.timeToBlockExpire : record.timeToExpire;
    setRateLimitHeaders(
      res as Response,
      { name: throttler.name!, limit, windowSeconds: ttl / 1000 },
      limit - record.totalHits,
      resetSeconds,
    );
    if (record.isBlocked) {
      (res as Response).setHeader('Retry-After', String(record.timeToBlockExpire));
      await this.throwThrottlingException(context, { ...record, limit, ttl, key, tracker });
    }
    return true;
  }
}
