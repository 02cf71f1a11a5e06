import { splitChannel } from './channel-policy';

/**
 * Whether two channel patterns can match a common channel: an exact decision over the pattern grammar of
 * channel-policy.ts, not a heuristic. Two projects' patterns must never overlap, or both would own a channel.
 *
 * A channel is `namespace:name` (no `:` in the namespace) or a bare name (no `:` at all). Patterns of the two
 * shapes never meet. Of one shape, the parts are matched independently, so the patterns overlap exactly when
 * their namespace parts have a common string and their name parts have one too.
 *
 * Neither part of a pattern that a channel's `:` could fall into holds a literal `:` there (namespace parts
 * and bare names cannot contain one), so a common string that uses `:` inside a `*` can use any other
 * character instead: the part languages may be intersected over all strings.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const left = splitChannel(a);
  const right = splitChannel(b);
  if ((left.namespace === undefined) !== (right.namespace === undefined)) return false;
  if (left.namespace !== undefined && !globsIntersect(left.namespace, right.namespace!)) return false;
  return globsIntersect(left.name, right.name);
}

/**
 * Do two globs, where `*` is any run of characters and everything else literal, match a common string?
 *
 * Reachability over pairs of positions (i in `a`, j in `b`): both globs have read their prefixes a[0, i) and
 * b[0, j) into the same string. From (i, j) a `*` may end (move past it), or both sides may read one more
 * character: two equal literals, or a literal against a `*` that stays open. Both globs at their ends means
 * a common string exists. Every move advances i or j, so one pass is O(|a|·|b|) steps over a byte grid (at
 * most 256 × 256), and the literal prefixes and suffixes are compared first, which settles most pairs at once.
 */
export function globsIntersect(a: string, b: string): boolean {
  if (!affixesAgree(a, b)) return false;
  // Every move goes forward in (i, j) order, so one pass over the grid, row by row, settles reachability.
  const width = b.length + 1;
  const reached = new Uint8Array((a.length + 1) * width);
  reached[0] = 1;
  for (let i = 0; i <= a.length; i++) {
    const starA = i < a.length && a.charCodeAt(i) === STAR;
    for (let j = 0; j <= b.length; j++) {
      const at = i * width + j;
      if (!reached[at]) continue;
      const starB = j < b.length && b.charCodeAt(j) === STAR;
      if (starA) reached[at + width] = 1; // a's `*` ends
      if (starB) reached[at + 1] = 1; // b's `*` ends
      if (i === a.length || j === b.length) continue;
      if (starA && !starB)
        reached[at + 1] = 1; // a's `*` takes b's next character
      else if (starB && !starA)
        reached[at + width] = 1; // b's `*` takes a's next character
      else if (!starA && a.charCodeAt(i) === b.charCodeAt(j)) reached[at + width + 1] = 1; // one character in common
    }
  }
  return reached[reached.length - 1] === 1;
}

const STAR = '*'.charCodeAt(0);

/** The literal text before the first `*` of one glob must agree with the other's, and likewise after the last. */
function affixesAgree(a: string, b: string): boolean {
  const prefix = (glob: string) => glob.slice(0, glob.includes('*') ? glob.indexOf('*') : glob.length);
  const suffix = (glob: string) => (glob.includes('*') ? glob.slice(glob.lastIndexOf('*') + 1) : glob);
  const agree = (x: string, y: string, compare: (long: string, short: string) => boolean) =>
    x.length >= y.length ? compare(x, y) : compare(y, x);
  return (
    agree(prefix(a), prefix(b), (long, short) => long.startsWith(short)) &&
    agree(suffix(a), suffix(b), (long, short) => long.endsWith(short))
  );
}
