import { BadRequestException } from '@nestjs/common';

/*
 * The small vocabulary of values the service names (ids, display names, user ids): one rule each, used by the
 * DTOs, the services and the CLI alike. Channel names and patterns have theirs in src/domain/channels/.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any UUID (every id the database makes: projects, keys, admin keys). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `id` when it is a UUID; 400 `A project id is a UUID, got "x".` otherwise (`what`: "project", "key", …). */
export function requireUuid(id: string, what: string): string {
  if (!isUuid(id)) throw new BadRequestException(`${/^[aeiou]/i.test(what) ? 'An' : 'A'} ${what} id is a UUID, got "${id}".`);
  return id;
}

export const MAX_NAME_LENGTH = 200;
/** Control characters (NUL among them) have no place in a name; PostgreSQL refuses NUL in text outright. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** A project's or an admin key's name, trimmed; 400 naming the rule otherwise. `what`: "A project name". */
export function checkedDisplayName(name: string, what: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > MAX_NAME_LENGTH)
    throw new BadRequestException(`${what} must be 1 to ${MAX_NAME_LENGTH} characters long.`);
  if (!trimmed.isWellFormed() || CONTROL_CHARACTER.test(trimmed))
    throw new BadRequestException(`${what} must be well-formed Unicode without control characters.`);
  return trimmed;
}

/** The longest end-user id (a token's `sub`). */
export const MAX_USER_ID_LENGTH = 256;
