import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_ENV_NAMES } from './env.parser';

/*
 * docs/configuration.md holds the one table of environment variables. This spec keeps it from drifting: the
 * variables in that table, the variables env.parser.ts lists (CONFIG_ENV_NAMES) and the variables its source
 * actually reads must be the same three sets.
 *
 * Why both the list and the source text: CONFIG_ENV_NAMES already exists (test/deploy.e2e-spec.ts checks the
 * deployment files against it) and the parser's helpers (read, integer, boolean, url) only accept its names,
 * so TypeScript keeps those reads inside the list. But the parser's input is a plain record, so a direct
 * `env.NEW_NAME` or `env['NEW_NAME']` would compile without being listed. Scanning the source for every read
 * (a helper called with `env` and a quoted name, or a direct property read) closes that gap without a second
 * hand-kept list. The scan is a regex over one small file, so its own sanity check is that it finds every
 * listed name.
 */

const DOC = join(__dirname, '../../../docs/configuration.md');
const PARSER = join(__dirname, 'env.parser.ts');

/** The first column of the table whose header row starts with `| variable |`: one `NAME` per row. */
function documentedNames(markdown: string): string[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) => /^\|\s*variable\s*\|/i.test(line));
  if (header < 0) throw new Error(`${DOC} has no table with a "variable" column`);
  const names: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cell = line.split('|')[1].trim();
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cell);
    if (!name) throw new Error(`A row of the configuration table does not start with a \`NAME\`: ${line}`);
    names.push(name[1]);
  }
  return names;
}

/** Every variable the parser's source reads: `helper(env, 'NAME'…)`, `env.NAME` and `env['NAME']`. */
function namesReadBy(source: string): string[] {
  const patterns = [
    /\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g,
    /\benv\.([A-Z][A-Z0-9_]*)\b/g,
    /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

describe('docs/configuration.md', () => {
  const documented = documentedNames(readFileSync(DOC, 'utf8'));
  const read = sorted(namesReadBy(readFileSync(PARSER, 'utf8')));

  it('lists each variable once', () => {
    expect(documented).toEqual([...new Set(documented)]);
  });

  it('documents exactly the variables the parser reads', () => {
    const missing = read.filter((name) => !documented.includes(name));
    const notRead = documented.filter((name) => !read.includes(name));
    expect({ missingFromTheTable: missing, documentedButNotRead: notRead }).toEqual({ missingFromTheTable: [], documentedButNotRead: [] });
  });

  it('agrees with CONFIG_ENV_NAMES, the list the deployment files are checked against', () => {
    expect(read).toEqual(sorted(CONFIG_ENV_NAMES));
    expect(sorted(documented)).toEqual(sorted(CONFIG_ENV_NAMES));
  });
});
