import { readFileSync } from 'node:fs';

/**
 * Code blocks in the docs that are marked `<!-- from examples/x.mjs -->` on the line before them must be
 * an exact excerpt of that file, so that what readers copy is what the tests run.
 */
export function excerptsOf(markdownPath: string): { source: string; code: string }[] {
  const markdown = readFileSync(markdownPath, 'utf8');
  const pattern = /<!-- from (\S+) -->\n```\w*\n([\s\S]*?)```/g;
  return [...markdown.matchAll(pattern)].map((match) => ({ source: match[1], code: match[2] }));
}
