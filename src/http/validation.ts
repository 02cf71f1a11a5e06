import { ArgumentMetadata, BadRequestException, UnsupportedMediaTypeException, ValidationError, ValidationPipe } from '@nestjs/common';
import { NonJsonBody } from './json-body.middleware';
import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength, ValidateIf, ValidationOptions, registerDecorator } from 'class-validator';
import { isUuid, MAX_USER_ID_LENGTH } from '../domain/vocabulary';
import { resolveValidationMetadataOncePerClass } from './validation-metadata-cache';

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

/** Deeper JSON is refused before class-transformer walks it (it recurses, and a deep enough body overflows the stack). */
export const MAX_FIELD_DEPTH = 16;

/** The first top-level field of `body` that nests deeper than maxDepth levels, found without recursion. */
export function fieldNestedTooDeep(body: object, maxDepth: number): string | undefined {
  for (const [field, value] of Object.entries(body)) {
    const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
    while (stack.length > 0) {
      const { value: current, depth } = stack.pop()!;
      if (typeof current !== 'object' || current === null) continue;
      if (depth > maxDepth) return field;
      for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
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
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null || depth > maxDepth) continue;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path + key;
      if (RESERVED_KEYS.has(key)) return childPath;
      stack.push({ value: child, path: `${childPath}.`, depth: depth + 1 });
    }
  }
  return undefined;
}

/** What ValidationPipe validates against a DTO; other bodies (publish, broadcast) are read only at their top level. */
const isDto = (metatype: unknown): boolean =>
  typeof metatype === 'function' && ![Object, Array, String, Number, Boolean].includes(metatype as never);

/**
 * The global pipe: DTO validation that refuses unknown fields, plus checks that a body is a JSON object
 * at all (an array or a bare string would otherwise reach class-validator in confusing shapes), not too
 * deep, and free of reserved keys.
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      exceptionFactory: (errors) => {
        const details = describeValidationErrors(errors);
        return new BadRequestException({ message: `Invalid request body: ${details.join('; ')}.`, details });
      },
    });
    resolveValidationMetadataOncePerClass();
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value instanceof NonJsonBody) {
      throw new UnsupportedMediaTypeException(value.problem);
    }
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestException('The request body must be a JSON object.');
    }
    const tooDeep = metadata.type === 'body' ? fieldNestedTooDeep(value as object, MAX_FIELD_DEPTH) : undefined;
    if (tooDeep !== undefined) {
      const problem = `${tooDeep} must not be nested more than ${MAX_FIELD_DEPTH} levels deep`;
      throw new BadRequestException({ message: `Invalid request body: ${problem}.`, details: [problem] });
    }
    const reserved =
      metadata.type === 'body' ? reservedKeyPath(value as object, isDto(metadata.metatype) ? MAX_FIELD_DEPTH + 1 : 1) : undefined;
    if (reserved !== undefined) {
      const problem = `${JSON.stringify(reserved)} uses a reserved key name (__proto__, constructor, prototype)`;
      throw new BadRequestException({ message: `Invalid request body: ${problem}.`, details: [problem] });
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      throw metadata.type === 'query' ? asQueryError(error) : error;
    }
  }
}

/** The same problems, named as the query's rather than the body's. */
function asQueryError(error: unknown): unknown {
  if (!(error instanceof BadRequestException)) return error;
  const { details } = error.getResponse() as { details?: string[] };
  return details ? new BadRequestException({ message: `Invalid query: ${details.join('; ')}.`, details }) : error;
}
