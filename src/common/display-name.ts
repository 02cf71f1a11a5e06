import { BadRequestException } from '@nestjs/common';

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
