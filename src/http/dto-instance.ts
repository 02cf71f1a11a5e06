import { plainToInstance, TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';

// class-transformer's registry of @Type, @Transform, @Expose and @Exclude; its package exports no path to it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage: transformerRules } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerStorage;
};

/** Nothing is converted implicitly: a field is the type the JSON gave it, unless its DTO says @Type. */
const TRANSFORM_OPTIONS = { enableImplicitConversion: false };

type DtoClass<T extends object = object> = new () => T;

/** Per DTO class, decided on its first request: whether class-transformer has anything to do for it. */
const needsTransformer = new WeakMap<DtoClass, boolean>();

/**
 * The DTO instance class-validator validates, built from a parsed body or query.
 *
 * For a DTO whose fields carry no class-transformer rule (no @Type, @Transform, @Expose or @Exclude), that
 * instance is the DTO with the fields copied onto it, which is what plainToInstance builds for such a class.
 * plainToInstance costs about a tenth of the token route's time (bench/findings.md) walking every field and
 * every nested value to find rules that are not there. A DTO with rules (a nested DTO, a query number) still
 * goes through class-transformer. The caller has refused or dropped the keys `__proto__`, `constructor` and
 * `prototype` (StrictValidationPipe): Object.assign would take a `__proto__` key for the DTO's prototype.
 */
export function toDtoInstance<T extends object>(metatype: DtoClass<T>, plain: object): T {
  let transform = needsTransformer.get(metatype);
  if (transform === undefined) needsTransformer.set(metatype, (transform = hasTransformerRules(metatype)));
  return transform ? plainToInstance(metatype, plain, TRANSFORM_OPTIONS) : Object.assign(new metatype(), plain);
}

/**
 * Whether class-transformer holds a rule for the class or any of its validated fields. (Only validated fields
 * matter: the validation refuses every other field as unknown.)
 */
export function hasTransformerRules(metatype: DtoClass): boolean {
  if (transformerRules.getStrategy(metatype) !== 'none') return true;
  if (transformerRules.getExposedMetadatas(metatype).length > 0 || transformerRules.getExcludedMetadatas(metatype).length > 0) return true;
  const fields = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(metatype, '', false, false)
      .map((rule) => rule.propertyName),
  );
  return [...fields].some(
    (field) =>
      transformerRules.findTypeMetadata(metatype, field) !== undefined ||
      transformerRules.findTransformMetadatas(metatype, field, TransformationType.PLAIN_TO_CLASS).length > 0,
  );
}
