/**
 * The keys of a JSON object's top level, in document order and with duplicates, each decoded as JSON
 * decodes it (`"chann\u0065l"` is `channel`). `JSON.parse` keeps only the last of two equal keys, so it
 * cannot show what a second decoder (the engine's) might pick instead.
 *
 * The text must already be known to be valid JSON whose top level is an object (the body parser checked).
 */
export function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectingKey = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '"') {
      const end = endOfString(json, i);
      if (depth === 1 && expectingKey) {
        keys.push(JSON.parse(json.slice(i, end + 1)) as string);
        expectingKey = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      depth++;
      if (depth === 1) expectingKey = char === '{';
    } else if (char === '}' || char === ']') {
      depth--;
    } else if (char === ',' && depth === 1) {
      expectingKey = true;
    }
  }
  return keys;
}

/** The index of the quote that closes the string opening at `start`. */
function endOfString(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    if (json[i] === '\\') i++;
    else if (json[i] === '"') return i;
  }
  throw new SyntaxError('Unterminated string in JSON');
}
