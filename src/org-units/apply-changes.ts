/**
 * Partial update (PUT and PATCH alike): copies each field present in `patch` (keyed by its
 * API name) onto the entity property `fields` maps it to, and returns the fields whose value
 * actually changed with their new values, for the audit trail. Absent (undefined) fields are
 * left alone; null clears a nullable field.
 */
export function applyChanges<E extends object, P extends object>(
  entity: E,
  patch: P,
  fields: { [K in keyof P]?: keyof E },
): Partial<Record<keyof P, unknown>> {
  const changes: Partial<Record<keyof P, unknown>> = {};
  for (const apiName of Object.keys(fields) as (keyof P)[]) {
    const property = fields[apiName]!;
    const value = patch[apiName];
    if (value === undefined || entity[property] === value) continue;
    entity[property] = value as unknown as E[keyof E];
    changes[apiName] = value;
  }
  return changes;
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
