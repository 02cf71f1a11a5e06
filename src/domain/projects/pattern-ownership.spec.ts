import { findConflict, findOverlaps } from './pattern-ownership';
import type { PatternOwner } from './projects.repository';

const owner = (id: string, channelPatterns: string[], unrestricted = false): PatternOwner => ({
  id,
  name: id,
  slug: id,
  channelPatterns,
  unrestricted,
});

/**
 * Patterns built to cost the overlap check about the most it can (the third attack's follow-up): 50 long
 * patterns each, disjoint only at their very end, so that every pair runs the full comparison.
 */
function costly(count: number): PatternOwner[] {
  const heavy = owner(
    'heavy',
    Array.from({ length: 50 }, (_, j) => `*:${'c*'.repeat(75)}z${'*c'.repeat(j)}*q`),
  );
  const others = Array.from({ length: count }, (_, i) =>
    owner(
      `x${i}`,
      Array.from({ length: 50 }, (_, k) => `*:${'c'.repeat(150 + i)}${'d'.repeat(k)}q`),
    ),
  );
  return [heavy, ...others];
}

describe('pattern ownership', () => {
  it('finds the conflict with a restricted project, and ignores unrestricted ones and the project itself', async () => {
    const owners = [owner('open', ['*:*', '*'], true), owner('shop', ['*:shop.*', 'public:shared.*']), owner('me', ['*:me.*'])];
    expect(await findConflict(['*:shared.*'], owners)).toMatchObject({
      own: '*:shared.*',
      other: 'public:shared.*',
      owner: { id: 'shop' },
    });
    expect(await findConflict(['*:me.*'], owners, 'me')).toBeUndefined();
    expect(await findOverlaps([...owners, owner('copy', ['public:shared.x'])])).toEqual([
      {
        projects: [
          { id: 'shop', slug: 'shop', pattern: 'public:shared.*' },
          { id: 'copy', slug: 'copy', pattern: 'public:shared.x' },
        ],
      },
    ]);
  });

  it('lets other work run while it compares many costly patterns, instead of holding the event loop to the end', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      expect(await findOverlaps(costly(2))).toEqual([]);
      expect(await findConflict(costly(1)[0].channelPatterns, costly(2).slice(1))).toBeUndefined();
    } finally {
      clearInterval(ticker);
    }
    // Held from start to end, the loop would have run the ticker at most once, after the work.
    expect(ticks).toBeGreaterThan(5);
  });
});
