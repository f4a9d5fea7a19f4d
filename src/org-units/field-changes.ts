import { changedValues, changesOf } from '../common/changes';

/**
 * Partial update of an organisation record (PUT and PATCH alike): the fields present in
 * `requested` (by API name) whose value differs (`changesOf`) are copied onto the entity
 * property `fields` maps them to. Returns their new values by API name, for the audit trail
 * (empty when nothing changed). Absent (undefined) fields are left alone; null clears.
 */
export function applyFieldChanges<E extends object, P extends object>(
  entity: E,
  requested: P,
  fields: { [K in keyof P]?: keyof E },
): Partial<P> {
  const apiNames = Object.keys(fields) as (keyof P)[];
  const current = Object.fromEntries(
    apiNames.map((name) => [name, entity[fields[name]!]]),
  ) as unknown as Partial<P>;
  const given = Object.fromEntries(apiNames.map((name) => [name, requested[name]])) as Partial<P>;
  const values = changedValues(changesOf<Partial<P>>(current, given));
  for (const name of Object.keys(values) as (keyof P)[]) {
    entity[fields[name]!] = values[name] as E[keyof E];
  }
  return values;
}

/** The audit record's from/to status (`active`/`inactive`) when `is_active` changed. */
export function statusChange(
  wasActive: boolean,
  isActive: boolean,
): { fromStatus?: string; toStatus?: string } {
  if (wasActive === isActive) return {};
  const name = (active: boolean) => (active ? 'active' : 'inactive');
  return { fromStatus: name(wasActive), toStatus: name(isActive) };
}
