/** How the CLI lays out what it prints for people. */

/** Rows under a header line, each column as wide as its widest cell (two spaces between columns). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

type Snapshot = Record<string, unknown> | null;

/** The fields that differ, as `name: before → after`; a creation lists nothing (its `after` is the whole object). */
export function changes(before: Snapshot, after: Snapshot): string {
  if (!before || !after) return before ? 'removed' : 'created';
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const show = (value: unknown) => (value === undefined ? '-' : JSON.stringify(value));
  const changed = names.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
  return changed.length ? changed.map((name) => `${name}: ${show(before[name])} → ${show(after[name])}`).join('; ') : 'no change';
}
