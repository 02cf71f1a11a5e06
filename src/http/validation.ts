import { ArgumentMetadata, BadRequestException, PipeTransform, UnsupportedMediaTypeException } from '@nestjs/common';
import { NonJsonBody } from './json-body.middleware';
import { applyDecorators } from '@nestjs/common';
import {
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidationError,
  ValidationOptions,
  registerDecorator,
  validateSync,
} from 'class-validator';
import { isUuid, MAX_USER_ID_LENGTH } from '../domain/vocabulary';
import { resolveValidationMetadataOncePerClass } from './validation-metadata-cache';
import { toDtoInstance } from './dto-instance';

/** The field may be left out, but when present it is validated (null is not "left out"). */
export const IsOmittable = () => ValidateIf((_object, value) => value !== undefined);

/**
 * A string without lone surrogates. The engine (Go) turns each one into U+FFFD, so "\ud800" and "\udfff"
 * would name the same user or channel there while differing here.
 */
export function IsWellFormedUnicode(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isWellFormedUnicode',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be well-formed Unicode`, ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || value.isWellFormed() },
    });
}

/**
 * An end-user id (a token's `sub`), the same rule wherever one is taken: a string with a non-space character,
 * at most MAX_USER_ID_LENGTH characters, well-formed Unicode. (Given bottom-up, as stacked decorators apply, so
 * that the first rule broken is the one reported.)
 */
export const IsUserId = () =>
  applyDecorators(
    IsWellFormedUnicode() as PropertyDecorator,
    MaxLength(MAX_USER_ID_LENGTH, { message: `userId must be at most ${MAX_USER_ID_LENGTH} characters` }),
    Matches(/\S/, { message: 'userId must not be empty' }),
    IsString({ message: 'userId must be a string' }),
  );

/** A UUID, by the domain's one rule (src/domain/vocabulary.ts). */
export function IsUuid(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isUuid',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a UUID`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isUuid(value) },
    });
}

/** A JSON object whose serialized form stays under maxBytes (arrays and null are not objects). */
export function IsSmallJsonObject(maxBytes: number, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSmallJsonObject',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a JSON object of at most ${maxBytes} bytes`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxBytes,
      },
    });
}

/** One message per offending field; unknown fields are named as such (a typo must not pass silently). */
export function describeValidationErrors(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((error) => {
    const field = path + error.property;
    const constraints = error.constraints ?? {};
    const own = constraints.whitelistValidation ? [`unknown field "${field}"`] : Object.values(constraints).slice(-1); // decorators register bottom-up: the last is the first declared
    return [...own, ...describeValidationErrors(error.children ?? [], `${field}.`)];
  });
}

/** Deeper JSON is refused before the DTO is built (class-transformer recurses, and a deep enough body overflows the stack). */
export const MAX_FIELD_DEPTH = 16;

/**
 * The first top-level field of `body` that nests deeper than maxDepth levels, found without recursion. (Both
 * walks run on every body, so they stack only objects and allocate nothing per value: Object.entries' pairs
 * were a few % of the token route.)
 */
export function fieldNestedTooDeep(body: object, maxDepth: number): string | undefined {
  const fields = Object.keys(body);
  for (const field of fields) {
    const stack: Array<{ value: object; depth: number }> = [];
    pushObject(stack, (body as Record<string, unknown>)[field], 1);
    while (stack.length > 0) {
      const { value, depth } = stack.pop()!;
      if (depth > maxDepth) return field;
      for (const child of Object.values(value)) pushObject(stack, child, depth + 1);
    }
  }
  return undefined;
}

function pushObject(stack: Array<{ value: object; depth: number }>, value: unknown, depth: number): void {
  if (typeof value === 'object' && value !== null) stack.push({ value, depth });
}

/**
 * Keys that name an object's prototype machinery. Nest's pipe and class-transformer drop them without a word,
 * so `{"info":{"constructor":…}}` lost data silently; and code that merges a body into an object could be
 * tricked by them. They are refused with 400 instead.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The path (`info.a.constructor`) of the first reserved key in `body`, looking `maxDepth` levels down (1: only
 * the top level), found without recursion. JSON.parse keeps `"__proto__"` as an own key, so it is seen here.
 */
export function reservedKeyPath(body: object, maxDepth: number): string | undefined {
  const stack: Array<{ value: object; path: string; depth: number }> = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    const keys = Object.keys(value);
    for (const key of keys) if (RESERVED_KEYS.has(key)) return path + key;
    if (depth === maxDepth) continue;
    for (const key of keys) {
      const child: unknown = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, path: `${path}${key}.`, depth: depth + 1 });
    }
  }
  return undefined;
}

/** What is validated against a DTO; other bodies (publish, broadcast) are read only at their top level. */
const isDto = (metatype: unknown): metatype is new () => object =>
  typeof metatype === 'function' && ![Object, Array, String, Number, Boolean].includes(metatype as never);

/** Unknown fields are refused, not stripped; errors do not carry the whole object they were found in. */
const VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false, validationError: { target: false } };

/**
 * The global pipe: DTO validation that refuses unknown fields, plus checks that a body is a JSON object
 * at all (an array or a bare string would otherwise reach class-validator in confusing shapes), not too
 * deep, and free of reserved keys.
 *
 * It does what Nest's ValidationPipe did with these options, in one synchronous step: the DTO is built as
 * class-transformer builds it (dto-instance.ts) and class-validator validates it (`validateSync`: no rule here
 * is asynchronous). Nest's pipe awaited its loaders, merged its options and walked every body for inputs this
 * service never parses (binary values, sparse arrays) on every request (bench/findings.md).
 */
export class StrictValidationPipe implements PipeTransform {
  constructor() {
    resolveValidationMetadataOncePerClass();
  }

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body') assertJsonObjectBody(value, isDto(metadata.metatype));
    if (metadata.type === 'custom' || !isDto(metadata.metatype)) return value;
    const input = metadata.type === 'query' ? withoutReservedKeys(value) : (value ?? {});
    const dto = toDtoInstance(metadata.metatype, input);
    const errors = validateSync(dto, VALIDATOR_OPTIONS);
    if (errors.length === 0) return dto;
    const details = describeValidationErrors(errors);
    const where = metadata.type === 'query' ? 'query' : 'request body';
    throw new BadRequestException({ message: `Invalid ${where}: ${details.join('; ')}.`, details });
  }
}

/** A body must be a JSON object, not too deep, without reserved keys (all levels of a DTO's, the top of others). */
function assertJsonObjectBody(value: unknown, isDtoBody: boolean): asserts value is object {
  if (value instanceof NonJsonBody) throw new UnsupportedMediaTypeException(value.problem);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestException('The request body must be a JSON object.');
  }
  const tooDeep = fieldNestedTooDeep(value, MAX_FIELD_DEPTH);
  if (tooDeep !== undefined) {
    const problem = `${tooDeep} must not be nested more than ${MAX_FIELD_DEPTH} levels deep`;
    throw new BadRequestException({ message: `Invalid request body: ${problem}.`, details: [problem] });
  }
  const reserved = reservedKeyPath(value, isDtoBody ? MAX_FIELD_DEPTH + 1 : 1);
  if (reserved !== undefined) {
    const problem = `${JSON.stringify(reserved)} uses a reserved key name (__proto__, constructor, prototype)`;
    throw new BadRequestException({ message: `Invalid request body: ${problem}.`, details: [problem] });
  }
}

/** A query's reserved keys are dropped, as Nest's pipe always dropped them (a query is flat: one level). */
function withoutReservedKeys(query: unknown): object {
  const copy: Record<string, unknown> = { ...(query as Record<string, unknown>) };
  for (const key of RESERVED_KEYS) delete copy[key];
  return copy;
}
