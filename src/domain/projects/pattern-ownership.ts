import { ConflictException } from '@nestjs/common';
import { patternsOverlap } from '../channels/channel-overlap';
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

export interface Conflict {
  own: string;
  other: string;
  owner: PatternOwner;
}

/** How long matching may hold the event loop before it lets other requests run. */
const SLICE_MS = 5;

/**
 * Comparing every pattern with every other project's is cheap per pair but unbounded in total (50 patterns of
 * up to 255 characters per project, any number of projects): the work is done in slices of a few
 * milliseconds, so that an admin's change or a readiness probe never stalls other tenants' requests.
 */
class Slices {
  private started = performance.now();

  async next(): Promise<void> {
    if (performance.now() - this.started < SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}

/** One pattern of `own` that overlaps one of `others`, or undefined when the two lists are disjoint. */
async function firstOverlap(own: readonly string[], others: readonly string[], slices: Slices) {
  for (const pattern of own) {
    for (const other of others) {
      if (patternsOverlap(pattern, other)) return { own: pattern, other };
      await slices.next();
    }
  }
  return undefined;
}

/**
 * The one rule of channel ownership: the patterns of two projects never match a common channel, unless one
 * of them was made unrestricted on purpose (the dev project). `others` may include the project itself
 * (`selfId`), which is skipped.
 */
export async function findConflict(
  patterns: readonly string[],
  others: readonly PatternOwner[],
  selfId?: string,
  slices = new Slices(),
): Promise<Conflict | undefined> {
  for (const other of others) {
    if (other.id === selfId || other.unrestricted) continue;
    const overlap = await firstOverlap(patterns, other.channelPatterns, slices);
    if (overlap) return { ...overlap, owner: other };
  }
  return undefined;
}

/** 409, naming the other project's pattern: admins may see every project's patterns. */
export async function assertNoConflict(patterns: readonly string[], others: readonly PatternOwner[], selfId?: string): Promise<void> {
  const conflict = await findConflict(patterns, others, selfId);
  if (!conflict) return;
  throw new ConflictException(
    `Channel pattern "${conflict.own}" overlaps "${conflict.other}" of project "${conflict.owner.name}" (${conflict.owner.slug}): ` +
      'two projects may not own one channel. Choose patterns outside it.',
  );
}

/** Every pair of restricted projects whose patterns overlap (a database from before the rule may hold some). */
export async function findOverlaps(owners: readonly PatternOwner[]): Promise<PatternOverlap[]> {
  const restricted = owners.filter((owner) => !owner.unrestricted);
  const overlaps: PatternOverlap[] = [];
  const slices = new Slices();
  for (const [index, a] of restricted.entries()) {
    for (const b of restricted.slice(index + 1)) {
      const overlap = await firstOverlap(a.channelPatterns, b.channelPatterns, slices);
      if (overlap)
        overlaps.push({
          projects: [
            { id: a.id, slug: a.slug, pattern: overlap.own },
            { id: b.id, slug: b.slug, pattern: overlap.other },
          ],
        });
    }
  }
  return overlaps;
}
