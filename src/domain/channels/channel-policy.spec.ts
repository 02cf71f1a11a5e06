import { seededRandom } from '../../../test/support/seeded-random';
import { slugify } from '../projects/slug';
import {
  ChannelPatternError,
  ChannelPolicy,
  defaultChannelPatterns,
  MAX_PATTERNS,
  parseChannelPatternList,
  UNRESTRICTED_PATTERNS,
  validateChannelPatterns,
} from './channel-policy';

const policy = (...patterns: string[]) => new ChannelPolicy(validateChannelPatterns(patterns));

describe('ChannelPolicy', () => {
  describe('a default policy (*:<slug>.*)', () => {
    const acme = policy(...defaultChannelPatterns('acme'));

    it.each(['public:acme.lobby', 'private:acme.payroll', 'any_ns:acme.x', 'public:acme.', 'public:acme.a:b', 'public:acme.a.b'])(
      'allows %p',
      (channel) => {
        expect(acme.allows(channel)).toBe(true);
      },
    );

    it.each([
      'public:lobby',
      'public:acme',
      'public:acmex.lobby',
      'public:acme-2.lobby',
      'public:Acme.lobby',
      'acme.lobby', // no namespace: not matched by a pattern with one
      'public:b.acme.lobby',
    ])('refuses %p', (channel) => {
      expect(acme.allows(channel)).toBe(false);
    });

    it('matches an empty namespace with `*` (Centrifugo treats ":x" as the channel "x" without namespace, still the project\'s name)', () => {
      expect(acme.allows(':acme.lobby')).toBe(true);
      expect(acme.allows(':other.lobby')).toBe(false);
    });
  });

  it("never lets two projects' default policies match the same channel", () => {
    const random = seededRandom(20261130);
    const randomSlugText = () =>
      Array.from({ length: 1 + Math.floor(random() * 8) }, () => 'abcdef0123456789-'[Math.floor(random() * 17)]).join('');
    // Slugs hold no ".", so "<slug>." prefixes of two different slugs cannot both start one name.
    const slugs = [
      'a',
      'ab',
      'a-b',
      'acme',
      'acme-2',
      'acme-inc',
      'project',
      'project-2',
      ...Array.from({ length: 40 }, () => slugify(randomSlugText())),
    ];
    const policies = [...new Set(slugs)].map((slug) => ({ slug, policy: policy(...defaultChannelPatterns(slug)) }));
    const names = ['x', '', 'a.b', 'acme.lobby', 'lobby'];
    const channels = policies.flatMap(({ slug }) =>
      ['public', 'private', 'ns'].flatMap((ns) => names.flatMap((name) => [`${ns}:${slug}.${name}`, `${ns}:${slug}${name}`])),
    );
    for (const channel of channels) {
      const owners = policies.filter(({ policy: p }) => p.allows(channel)).map(({ slug }) => slug);
      expect({ channel, owners: owners.length <= 1 ? 'at most one' : owners }).toEqual({ channel, owners: 'at most one' });
    }
  });

  it('treats the unrestricted policy as every channel, with or without a namespace', () => {
    const all = policy(...UNRESTRICTED_PATTERNS);
    for (const channel of ['public:lobby', 'private:b.payroll', 'lobby', 'a:b:c', ':x', 'ns:']) expect(all.allows(channel)).toBe(true);
  });

  it('matches a pattern without ":" only against channels without a namespace', () => {
    const bare = policy('lobby*');
    expect(bare.allows('lobby')).toBe(true);
    expect(bare.allows('lobby-2')).toBe(true);
    expect(bare.allows('public:lobby')).toBe(false);
  });

  it('splits at the first ":" so that ":" inside a name belongs to the name', () => {
    const p = policy('public:room:*');
    expect(p.allows('public:room:1')).toBe(true);
    expect(p.allows('public:room')).toBe(false);
    expect(p.allows('public:room:')).toBe(true);
    expect(policy('*:*').allows('public')).toBe(false);
  });

  it('keeps `*` within its part: a namespace wildcard never reaches into the name', () => {
    const p = policy('pub*:lobby');
    expect(p.allows('public:lobby')).toBe(true);
    expect(p.allows('public:x:lobby')).toBe(false);
    expect(p.allows('public:lobby2')).toBe(false);
  });

  it('treats regular-expression characters in patterns literally', () => {
    const p = policy('public:a.b', 'public:(x)+', 'public:$y^');
    expect(p.allows('public:a.b')).toBe(true);
    expect(p.allows('public:aXb')).toBe(false);
    expect(p.allows('public:(x)+')).toBe(true);
    expect(p.allows('public:xx')).toBe(false);
    expect(p.allows('public:$y^')).toBe(true);
  });

  it('reports the first channel it does not allow', () => {
    const acme = policy(...defaultChannelPatterns('acme'));
    expect(acme.firstDenied(['public:acme.a', 'private:b.payroll', 'x'])).toBe('private:b.payroll');
    expect(acme.firstDenied(['public:acme.a'])).toBeUndefined();
  });
});

describe('channel pattern validation', () => {
  it.each([
    [[], 'A project needs at least one channel pattern.'],
    [[''], 'Invalid channel pattern "": a pattern must be a non-empty string.'],
    [['public:'], 'Invalid channel pattern "public:": the name part (after the first ":") must not be empty; use "*" for any name.'],
    [
      [':acme.*'],
      'Invalid channel pattern ":acme.*": the namespace part (before the first ":") may hold only letters, digits, "-", "_" and "*".',
    ],
    [
      ['pub lic:*'],
      'Invalid channel pattern "pub lic:*": the namespace part (before the first ":") may hold only letters, digits, "-", "_" and "*".',
    ],
    [['public:a b'], 'Invalid channel pattern "public:a b": a pattern must not contain whitespace, control characters or ",".'],
    [['public:a\u0000'], 'Invalid channel pattern "public:a\u0000": a pattern must not contain whitespace, control characters or ",".'],
    [['public:\ud800'], 'Invalid channel pattern "public:\ud800": a pattern must be well-formed Unicode.'],
    [[`public:${'x'.repeat(249)}`], `Invalid channel pattern "public:${'x'.repeat(249)}": a pattern must be at most 255 characters.`],
    [
      Array.from({ length: MAX_PATTERNS + 1 }, (_, i) => `public:${i}`),
      `A project may have at most ${MAX_PATTERNS} channel patterns, got ${MAX_PATTERNS + 1}.`,
    ],
  ])('refuses %j', (patterns, message) => {
    expect(() => validateChannelPatterns(patterns)).toThrow(new ChannelPatternError(message));
  });

  it('accepts a pattern of exactly 255 characters and drops duplicates, keeping the order', () => {
    expect(validateChannelPatterns([`public:${'x'.repeat(248)}`])).toHaveLength(1);
    expect(validateChannelPatterns(['b:*', 'a:*', 'b:*'])).toEqual(['b:*', 'a:*']);
  });

  it("reads the CLI's comma-separated list, trimming spaces, and refuses empty entries", () => {
    expect(parseChannelPatternList('*:acme.*, public:shared.*')).toEqual(['*:acme.*', 'public:shared.*']);
    expect(() => parseChannelPatternList('*:acme.*,,x')).toThrow(ChannelPatternError);
    expect(() => parseChannelPatternList('')).toThrow(ChannelPatternError);
  });
});

describe('ChannelPolicy matching', () => {
  /** The reference: the same grammar as an anchored regular expression (fine for short inputs). */
  const reference = (pattern: string, text: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      's',
    ).test(text);
  const strings = (alphabet: string[], maxLength: number) => {
    let layer = [''];
    const all = [''];
    for (let length = 1; length <= maxLength; length++) all.push(...(layer = layer.flatMap((prefix) => alphabet.map((c) => prefix + c))));
    return all;
  };

  it('agrees with a regular-expression reference on every bare pattern up to 4 characters and name up to 6', () => {
    const patterns = strings(['a', 'b', '*'], 4).filter((pattern) => pattern !== '');
    const names = strings(['a', 'b'], 6);
    const disagreements = patterns.flatMap((pattern) => {
      const compiled = new ChannelPolicy([pattern]);
      return names.filter((name) => compiled.allows(name) !== reference(pattern, name)).map((name) => `${pattern} ~ ${name}`);
    });
    expect(disagreements).toEqual([]);
  });

  it('decides a pattern with many `*` against a long name that does not match at once (no backtracking)', () => {
    // As a regular expression this took about 48 s and blocked the process for every tenant (the third attack's
    // follow-up); the piecewise match answers in microseconds.
    const many = policy('*:b.*', 'public:b2*-*-*-*-*x', '*:****x');
    expect(many.allows('public:b2' + '-'.repeat(240))).toBe(false);
    expect(many.allows('public:' + 'y'.repeat(245))).toBe(false);
    expect(many.allows('public:b2-a-b-c-dx')).toBe(true);
  });
});
