import { ConflictException } from '@nestjs/common';
import { firstOverlap } from '../channels/channel-overlap';
import type { PatternOwner } from './projects.repository';

/** Two projects that own a common channel: what `projects check` and `/health/ready` report. */
export interface PatternOverlap {
  projects: [OverlapSide, OverlapSide];
}

interface OverlapSide {
  id: string;
  slug: string;
  pattern: string;
}

/**
 * The one rule of channel ownership: the patterns of two projects never match a common channel, unless one
 * of them was made unrestricted on purpose (the dev project). `others` may include the project itself
 * (`selfId`), which is skipped.
 */
export function findConflict(patterns: readonly string[], others: readonly PatternOwner[], selfId?: string) {
  for (const other of others) {
    if (other.id === selfId || other.unrestricted) continue;
    const overlap = firstOverlap(patterns, other.channelPatterns);
    if (overlap) return { ...overlap, owner: other };
  }
  return undefined;
}

/** 409, naming the other project's pattern: admins may see every project's patterns. */
export function assertNoConflict(patterns: readonly string[], others: readonly PatternOwner[], selfId?: string): void {
  const conflict = findConflict(patterns, others, selfId);
  if (!conflict) return;
  throw new ConflictException(
    `Channel pattern "${conflict.own}" overlaps "${conflict.other}" of project "${conflict.owner.name}" (${conflict.owner.slug}): ` +
      'two projects may not own one channel. Choose patterns outside it.',
  );
}

/** Every pair of restricted projects whose patterns overlap (a database from before the rule may hold some). */
export function findOverlaps(owners: readonly PatternOwner[]): PatternOverlap[] {
  const restricted = owners.filter((owner) => !owner.unrestricted);
  const overlaps: PatternOverlap[] = [];
  restricted.forEach((a, index) => {
    for (const b of restricted.slice(index + 1)) {
      const overlap = firstOverlap(a.channelPatterns, b.channelPatterns);
      if (overlap)
        overlaps.push({
          projects: [
            { id: a.id, slug: a.slug, pattern: overlap.own },
            { id: b.id, slug: b.slug, pattern: overlap.other },
          ],
        });
    }
  });
  return overlaps;
}
