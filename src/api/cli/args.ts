/** A deliberately small argument parser: positional words, `--flag value` options and boolean `--json`. */

export interface ParsedArgs {
  words: string[];
  options: Record<string, string>;
  json: boolean;
}

export class UsageError extends Error {}

const BOOLEAN_FLAGS = new Set(['json', 'help', 'unrestricted']);

export function parseArgs(argv: string[]): ParsedArgs {
  const words: string[] = [];
  const options: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [name, inlineValue] = arg.slice(2).split(/=(.*)/s, 2);
    if (BOOLEAN_FLAGS.has(name)) {
      if (name === 'json') json = true;
      else options[name] = 'true';
      continue;
    }
    const value = inlineValue ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    options[name] = value;
  }
  return { words, options, json };
}

export function requireOption(args: ParsedArgs, name: string): string {
  const value = args.options[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

export function requireWord(args: ParsedArgs, index: number, what: string): string {
  const value = args.words[index];
  if (!value) throw new UsageError(`${what} is required`);
  return value;
}

export const USAGE = `Usage: npm run --silent cli -- <command> [--json]

PROJECT is a project's id or its slug, wherever a command takes one.

  projects create --name NAME [--channels PATTERNS | --unrestricted]
                                      create a project with one server and one client key; it owns
                                      the channels *:<slug>.* unless --channels lists other patterns;
                                      --unrestricted reaches every channel (like the dev project)
  projects list                       list projects (unrestricted ones are marked)
  projects show PROJECT               a project, its channels and its keys (prefixes only)
  projects set-channels PROJECT PATTERNS|--unrestricted
                                      replace a project's channel patterns ("p1,p2"); patterns that
                                      overlap another project's are refused
  projects check                      report projects whose channel patterns overlap
  projects set-rate-limit PROJECT LIMIT|default
                                      requests per minute for this project (default:
                                      RATE_LIMIT_PER_MINUTE)
  projects disable PROJECT            refuse every key of a project from now on
  projects enable PROJECT             accept the project's keys again
  keys create --project PROJECT --kind server|client
                                      add a key (several active keys per kind are allowed); a client
                                      key is reserved for client-side use: no endpoint accepts it yet
  keys rotate --project PROJECT       create a new server key and revoke every active one before it
  keys list --project PROJECT         list a project's keys (prefixes only)
  keys revoke KEY_ID                  revoke a key
  admin-keys create --name NAME       create a key for the admin API (xs_ak_…, shown once)
  admin-keys list                     list admin keys (prefixes only)
  admin-keys revoke ADMIN_KEY_ID      revoke an admin key
  audit list [--project PROJECT]      the newest 100 changes, made with the CLI or the admin API

  --json prints exactly one JSON object on stdout, in the admin API's shapes.
  The database is DATABASE_URL, else the embedded development database (reused if a dev server runs).`;
