import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Storage = ReturnType<typeof getMetadataStorage>;
type Grouped = ReturnType<Storage['groupByPropertyName']>;

let installed = false;

/**
 * class-validator finds a DTO's rules again on every validation: it scans the rules of every decorated class
 * of the application (`getTargetValidationMetadatas`, the top class-validator frame of the token route's
 * profile, see bench/findings.md), then groups them by property. The rules are fixed once the classes are
 * loaded (decorators run at import), so each class's rules are resolved and grouped once, on its first
 * validation, and kept; class-validator itself still does the validating. Lookups by group or schema name
 * (none are made here) are left alone.
 */
export function resolveValidationMetadataOncePerClass(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage();
  const resolve = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const resolved = new Map<unknown, Map<string, ValidationMetadata[]>>();
  const grouped = new WeakMap<ValidationMetadata[], Grouped>();

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (schema || (groups && groups.length > 0)) return resolve(target, schema, always, strictGroups, groups);
    const options = `${always}:${strictGroups}`;
    let ofClass = resolved.get(target);
    if (!ofClass) resolved.set(target, (ofClass = new Map<string, ValidationMetadata[]>()));
    let metadatas = ofClass.get(options);
    if (!metadatas) ofClass.set(options, (metadatas = resolve(target, schema, always, strictGroups, groups)));
    return metadatas;
  };
  // The same array comes back for a class, so its grouping is kept with it.
  storage.groupByPropertyName = (metadatas) => {
    let result = grouped.get(metadatas);
    if (!result) grouped.set(metadatas, (result = group(metadatas)));
    return result;
  };
}
