import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root (the folder with package.json), found from wherever this file was compiled to. */
export function projectRoot(from = __dirname): string {
  return existsSync(join(from, 'package.json')) || dirname(from) === from ? from : projectRoot(dirname(from));
}
