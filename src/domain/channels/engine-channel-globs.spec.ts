import { ChannelPolicy, defaultChannelPatterns, UNRESTRICTED_PATTERNS } from './channel-policy';
import { engineChannelGlobs } from './engine-channel-globs';

/** gobwas/glob without separators, as the engine compiles it: `*` is any run, `\x` is x, nothing else is special here. */
function globMatches(glob: string, channel: string): boolean {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '\\') source += glob[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (glob[i] === '*') source += '.*';
    else source += glob[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's').test(channel);
}

describe('engineChannelGlobs', () => {
  it('asks once without a pattern for an unrestricted project, or any pattern that is only stars', () => {
    expect(engineChannelGlobs(UNRESTRICTED_PATTERNS)).toBeUndefined();
    expect(engineChannelGlobs(['public:a.*', '**'])).toBeUndefined();
  });

  it('keeps stars, escapes every gobwas metacharacter, collapses runs of stars and drops duplicates', () => {
    expect(engineChannelGlobs(defaultChannelPatterns('acme'))).toEqual(['*:acme.*']);
    expect(engineChannelGlobs(['*:*'])).toEqual(['*:*']);
    expect(engineChannelGlobs(['public:a?b[c]{d}\\e*', 'public:x**y', 'public:x*y'])).toEqual([
      'public:a\\?b\\[c\\]\\{d\\}\\\\e*',
      'public:x*y',
    ]);
  });

  it.each([
    [['*:acme.*'], ['public:acme.lobby', 'private:acme.', 'public:acme.a:b']],
    [['public:a?b[c]{d,e}\\f*'], ['public:a?b[c]{d,e}\\f', 'public:a?b[c]{d,e}\\fzz']],
    [
      ['lobby*', 'pub*:*.x'],
      ['lobby', 'lobby-2', 'public:a.x', 'pub:.x'],
    ],
    [['*:café*'], ['public:café-☕']],
  ])('gives globs that match every channel the policy %j allows (a superset)', (patterns, allowed) => {
    const policy = new ChannelPolicy(patterns);
    const globs = engineChannelGlobs(patterns)!;
    for (const channel of allowed) {
      expect(policy.allows(channel)).toBe(true);
      expect(globs.some((glob) => globMatches(glob, channel))).toBe(true);
    }
  });

  it('may match more than the policy (a glob star crosses ":"), which is why callers still filter', () => {
    const [glob] = engineChannelGlobs(['*:acme.*'])!;
    expect(globMatches(glob, 'public:evil.x:acme.y')).toBe(true);
    expect(new ChannelPolicy(['*:acme.*']).allows('public:evil.x:acme.y')).toBe(false);
  });
});
