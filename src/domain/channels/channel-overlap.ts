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

/** One pattern of `own` that overlaps one of `others`, or undefined when the two lists are disjoint. */
export function firstOverlap(own: readonly string[], others: readonly string[]): { own: string; other: string } | undefined {
  for (const pattern of own) {
    const other = others.find((candidate) => patternsOverlap(pattern, candidate));
    if (other !== undefined) return { own: pattern, other };
  }
  return undefined;
}

/**
 * Do two globs, where `*` is any run of characters and everything else literal, match a common string?
 *
 * Reachability over pairs of positions (i in `a`, j in `b`): both globs have read their prefixes a[0, i) and
 * b[0, j) into the same string. From (i, j) a `*` may end (move past it), or both sides may read one more
 * character: two equal literals, or a literal against a `*` that stays open. Both globs at their ends means
 * a common string exists. Every move advances i or j, so the search is O(|a|·|b|), and patterns are at most
 * 255 characters. The literal prefixes and suffixes are compared first, which settles most pairs at once.
 */
export function globsIntersect(a: string, b: string): boolean {
  if (!affixesAgree(a, b)) return false;
  const width = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    const at = stack.pop()!;
    const i = Math.floor(at / width);
    const j = at % width;
    if (i === a.length && j === b.length) return true;
    const visit = (ni: number, nj: number) => {
      const next = ni * width + nj;
      if (!seen[next]) {
        seen[next] = 1;
        stack.push(next);
      }
    };
    const starA = a[i] === '*';
    const starB = b[j] === '*';
    if (starA) visit(i + 1, j);
    if (starB) visit(i, j + 1);
    if (i < a.length && j < b.length) {
      if (!starA && !starB && a[i] === b[j]) visit(i + 1, j + 1);
      else if (starA && !starB) visit(i, j + 1);
      else if (!starA && starB) visit(i + 1, j);
    }
  }
  return false;
}

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
