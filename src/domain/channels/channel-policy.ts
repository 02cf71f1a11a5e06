/**
 * A project's channel policy: the channel patterns it owns. This file is the one rule for which channels a
 * project may name (tokens, publish, client-side subscriptions through the engine's subscribe proxy).
 *
 * Grammar. A channel's namespace is the part before its first `:` (Centrifugo's rule); the rest is its
 * name. A pattern is split the same way: its namespace part is matched against the channel's namespace,
 * its name part against the channel's name, `*` matching any run of characters (also none) within that
 * part. A pattern without `:` matches only channels without a namespace. Matching is exact otherwise
 * (case-sensitive, as Centrifugo's channels are).
 */

import { isReservedChannel, RESERVED_NAMESPACE } from './control-channel';

export const MAX_PATTERNS = 50;
export const MAX_PATTERN_LENGTH = 255;
/** `*:*` (every namespaced channel) plus `*` (every channel without a namespace). */
export const UNRESTRICTED_PATTERNS: readonly string[] = ['*:*', '*'];

const NAMESPACE_BOUNDARY = ':';
/** Centrifugo's namespace names (`^[-a-zA-Z0-9_]{2,}$`), with `*` added for wildcards. */
const NAMESPACE_PATTERN = /^[-a-zA-Z0-9_*]+$/;
/** Whitespace, control characters and `,` (the CLI's list separator) have no place in a pattern. */
const FORBIDDEN_IN_NAME = /[\s\p{Cc},]/u;

/** A malformed pattern list; the message is one sentence meant for the operator. */
export class ChannelPatternError extends Error {}

/** A new project's default: its own slug as a prefix in every namespace (`public:acme.lobby`). */
export function defaultChannelPatterns(slug: string): string[] {
  return [`*:${slug}.*`];
}

/** Checks a list of patterns and returns it without duplicates, in the order given. */
export function validateChannelPatterns(patterns: readonly string[]): string[] {
  const unique = [...new Set(patterns)];
  if (unique.length === 0) throw new ChannelPatternError('A project needs at least one channel pattern.');
  if (unique.length > MAX_PATTERNS)
    throw new ChannelPatternError(`A project may have at most ${MAX_PATTERNS} channel patterns, got ${unique.length}.`);
  for (const pattern of unique) {
    const problem = describePatternProblem(pattern);
    if (problem) throw new ChannelPatternError(`Invalid channel pattern "${pattern}": ${problem}.`);
  }
  return unique;
}

/** Splits "p1, p2" (the CLI's form) into patterns; empty entries are an error, not silently dropped. */
export function parseChannelPatternList(list: string): string[] {
  const patterns = list.split(',').map((pattern) => pattern.trim());
  if (patterns.some((pattern) => pattern === '')) {
    throw new ChannelPatternError(`Invalid channel pattern list "${list}": separate non-empty patterns with commas.`);
  }
  return validateChannelPatterns(patterns);
}

function describePatternProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0) return 'a pattern must be a non-empty string';
  if (pattern.length > MAX_PATTERN_LENGTH) return `a pattern must be at most ${MAX_PATTERN_LENGTH} characters`;
  if (!pattern.isWellFormed()) return 'a pattern must be well-formed Unicode';
  const { namespace, name } = splitChannel(pattern);
  if (namespace === RESERVED_NAMESPACE) return `the namespace "${RESERVED_NAMESPACE}" is reserved for the service's own channels`;
  if (namespace !== undefined && !NAMESPACE_PATTERN.test(namespace)) {
    return 'the namespace part (before the first ":") may hold only letters, digits, "-", "_" and "*"';
  }
  if (name === '') return 'the name part (after the first ":") must not be empty; use "*" for any name';
  if (FORBIDDEN_IN_NAME.test(name)) return 'a pattern must not contain whitespace, control characters or ","';
  return undefined;
}

export interface ChannelParts {
  /** undefined: the channel has no namespace (no `:` at all). */
  namespace: string | undefined;
  name: string;
}

export function splitChannel(channel: string): ChannelParts {
  const boundary = channel.indexOf(NAMESPACE_BOUNDARY);
  return boundary === -1
    ? { namespace: undefined, name: channel }
    : { namespace: channel.slice(0, boundary), name: channel.slice(boundary + 1) };
}

/**
 * A part pattern (`*` is any run of characters, everything else literal), matched without regular
 * expressions: the literal text before the first `*` must start the part and the text after the last `*` end
 * it, and the pieces between must appear in order, each as early as it can (taking the earliest occurrence
 * never loses a match, since `*` takes any text). That is linear in the part's length per piece, whatever
 * the number of `*`: a regular expression `^a.*b.*c.*x$` backtracks exponentially on a long part that does not
 * match, and would let one caller freeze the process for every tenant.
 */
class PartMatcher {
  private readonly pieces: string[];

  constructor(part: string) {
    this.pieces = part.split('*');
  }

  test(text: string): boolean {
    const { pieces } = this;
    if (pieces.length === 1) return text === pieces[0];
    const first = pieces[0];
    const last = pieces[pieces.length - 1];
    if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (let i = 1; i < pieces.length - 1; i++) {
      const piece = pieces[i];
      if (piece === '') continue;
      const found = text.indexOf(piece, at);
      if (found === -1 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  }
}

interface CompiledPattern {
  namespace: PartMatcher | undefined;
  name: PartMatcher;
}

/** A compiled, immutable policy: build it once per project and ask it per channel. */
export class ChannelPolicy {
  private readonly compiled: CompiledPattern[];

  constructor(readonly patterns: readonly string[]) {
    this.compiled = patterns.map((pattern) => {
      const { namespace, name } = splitChannel(pattern);
      return { namespace: namespace === undefined ? undefined : new PartMatcher(namespace), name: new PartMatcher(name) };
    });
  }

  /** Never a channel of the reserved namespace, whatever the patterns (an unrestricted `*:*` included). */
  allows(channel: string): boolean {
    if (isReservedChannel(channel)) return false;
    const { namespace, name } = splitChannel(channel);
    return this.compiled.some((pattern) =>
      namespace === undefined
        ? pattern.namespace === undefined && pattern.name.test(name)
        : pattern.namespace !== undefined && pattern.namespace.test(namespace) && pattern.name.test(name),
    );
  }

  /** The first channel this policy does not allow, or undefined when it allows them all. */
  firstDenied(channels: Iterable<string>): string | undefined {
    for (const channel of channels) if (!this.allows(channel)) return channel;
    return undefined;
  }
}
