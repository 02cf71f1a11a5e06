/**
 * A project's channel patterns as the engine's `channels` API filter (`pattern`, compiled by Centrifugo with
 * gobwas/glob and no separators, see internal/survey/survey.go), so that the engine answers with the
 * project's channels rather than every tenant's.
 *
 * The translation gives a SUPERSET, never a subset: a policy `*` matches a run within one part (namespace or
 * name), while a glob `*` also crosses `:`, so `*:acme.*` as a glob matches `public:b.x:acme.y` too. Callers
 * must still filter what the engine lists with `ChannelPolicy.allows`. Every other character is literal in
 * both, once gobwas's metacharacters are escaped.
 */

/** gobwas/glob's metacharacters (its `QuoteMeta` set): escaped with `\` they match themselves. */
const GLOB_META = /[*?[\]{}\\]/g;

const quoteGlob = (literal: string): string => literal.replace(GLOB_META, '\\$&');

/** One glob per distinct pattern, in order; undefined when one of them matches every channel (ask once, unfiltered). */
export function engineChannelGlobs(patterns: readonly string[]): string[] | undefined {
  const globs = new Set<string>();
  for (const pattern of patterns) {
    const glob = pattern.replace(/\*+/g, '*').split('*').map(quoteGlob).join('*');
    if (glob === '*') return undefined;
    globs.add(glob);
  }
  return [...globs];
}
