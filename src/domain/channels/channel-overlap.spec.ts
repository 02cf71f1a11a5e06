import { globsIntersect, patternsOverlap } from './channel-overlap';
import { ChannelPolicy, defaultChannelPatterns, validateChannelPatterns } from './channel-policy';

/** Every string of length 0..maxLength over `alphabet`. */
function allStrings(alphabet: string[], maxLength: number): string[] {
  const out = [''];
  let layer = [''];
  for (let length = 1; length <= maxLength; length++) {
    layer = layer.flatMap((prefix) => alphabet.map((char) => prefix + char));
    out.push(...layer);
  }
  return out;
}

/** Every valid pattern of length 1..maxLength over `alphabet` (the grammar's own check decides validity). */
function allPatterns(alphabet: string[], maxLength: number): string[] {
  return allStrings(alphabet, maxLength).filter((pattern) => {
    try {
      validateChannelPatterns([pattern]);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The brute force: which of `channels` each pattern matches, by the policy's own matcher (regular
 * expressions, written independently of the overlap decision), as a bit set.
 */
function matchSets(patterns: string[], channels: string[]): Map<string, Uint32Array> {
  const sets = new Map<string, Uint32Array>();
  for (const pattern of patterns) {
    const policy = new ChannelPolicy([pattern]);
    const bits = new Uint32Array(Math.ceil(channels.length / 32));
    channels.forEach((channel, index) => {
      if (policy.allows(channel)) bits[index >> 5] |= 1 << (index & 31);
    });
    sets.set(pattern, bits);
  }
  return sets;
}

const intersects = (a: Uint32Array, b: Uint32Array) => a.some((word, index) => (word & b[index]) !== 0);

/**
 * A common channel, when there is one, needs no more characters than the two patterns' literals together
 * (each `*` can match nothing, or one character standing where the other pattern has a literal). So
 * enumerating every channel up to that length over the patterns' own characters decides overlap exactly.
 */
function agreesWithBruteForce(patternAlphabet: string[], maxPatternLength: number, channelAlphabet: string[]) {
  const patterns = allPatterns(patternAlphabet, maxPatternLength);
  const channels = allStrings(channelAlphabet, 2 * maxPatternLength);
  const sets = matchSets(patterns, channels);
  const disagreements: string[] = [];
  let overlapping = 0;
  for (const a of patterns)
    for (const b of patterns) {
      const expected = intersects(sets.get(a)!, sets.get(b)!);
      if (expected) overlapping++;
      if (patternsOverlap(a, b) !== expected) disagreements.push(`${a} ~ ${b}: expected ${expected}`);
    }
  return { pairs: patterns.length ** 2, overlapping, disagreements: disagreements.slice(0, 10) };
}

describe('patternsOverlap', () => {
  it('agrees with brute-force enumeration on every pattern pair of up to 3 characters over {a, b, ., :, *}', () => {
    const result = agreesWithBruteForce(['a', 'b', '.', ':', '*'], 3, ['a', 'b', '.', ':']);
    expect(result.disagreements).toEqual([]);
    // Both answers occur often enough for the sweep to mean something.
    expect(result.overlapping).toBeGreaterThan(1000);
    expect(result.pairs - result.overlapping).toBeGreaterThan(1000);
  });

  it('agrees with brute-force enumeration on every pattern pair of up to 4 characters over {a, ., :, *}', () => {
    const result = agreesWithBruteForce(['a', '.', ':', '*'], 4, ['a', '.', ':']);
    expect(result.disagreements).toEqual([]);
    expect(result.overlapping).toBeGreaterThan(1000);
    expect(result.pairs - result.overlapping).toBeGreaterThan(1000);
  });

  it('finds the attack: a project named "Shared" gets *:shared.*, which overlaps Shop\'s public:shared.*', () => {
    const [shared] = defaultChannelPatterns('shared');
    expect(patternsOverlap(shared, 'public:shared.*')).toBe(true);
    expect(patternsOverlap(shared, '*:shop.*')).toBe(false);
    const [next] = defaultChannelPatterns('shared-2');
    expect(['*:shop.*', 'public:shared.*'].some((other) => patternsOverlap(next, other))).toBe(false);
  });

  it.each([
    ['*:acme.*', '*:acme-2.*', false],
    ['*:acme.*', '*:acm*', true],
    ['*:*', 'public:x', true],
    ['*', 'public:x', false], // a bare pattern matches only channels without a namespace
    ['*', 'lobby', true],
    ['pub*:a.*', '*lic:a.b', true],
    ['pub:a.*', '*lac:a.b', false],
    ['a*b*c', '*c*b*a', false], // names ending in c and in a
    ['a*b*c', '*b*', true],
    ['x*y', 'x*z', false],
  ])('%p and %p overlap: %p', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });

  it('decides long patterns of the maximum length without blowing up', () => {
    const long = 'a*'.repeat(127) + 'b';
    expect(globsIntersect(long, '*' + 'a'.repeat(200) + 'b')).toBe(true);
    expect(globsIntersect(long, '*' + 'a'.repeat(200) + 'c')).toBe(false);
  });
});
