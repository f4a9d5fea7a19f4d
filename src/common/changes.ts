/**
 * "What did this request change": the one helper of every partial update (PUT and PATCH
 * alike), so that an update that changes nothing writes nothing (no new version, no audit
 * event), and the audit trail names what did change.
 *
 *   const changes = changesOf(current, requested, { money: ['monthly_income'] });
 *   // { email: { from: 'a@example.com', to: 'b@example.com' } }
 *   if (isEmpty(changes)) return unchanged;
 *   await repository.update(id, changedValues(changes));
 *
 * - `current` and `requested` are keyed alike: API field names or entity properties, as the
 *   caller prefers. Only the keys of `requested` are looked at, in its order.
 * - A requested `undefined` means "not in the request": never a change. `null` clears.
 * - Values compare with `sameValue`: exactly, so ids and phone numbers stay text ("0123" is not
 *   "123"), except the `money` fields, compared by amount ("5000" equals "5000.00"), and lists
 *   and objects, compared by their JSON content.
 */
import { canonicalJson } from './http/idempotency/canonical-json';
import { Decimal } from './money';

/** Each changed field with its value before and after. */
export type Changes<T> = { [K in keyof T]?: { from: T[K]; to: T[K] } };

/** The values a request asks for; `undefined` (or absent) means "not in the request". */
export type Requested<T> = { [K in keyof T]?: T[K] | undefined };

export function changesOf<T extends object>(
  current: T,
  requested: Requested<T>,
  options: { money?: readonly (keyof T)[] } = {},
): Changes<T> {
  const changes: Changes<T> = {};
  for (const key of Object.keys(requested) as (keyof T)[]) {
    const to = requested[key];
    if (to === undefined) continue;
    const from = current[key];
    if (sameValue(from, to, options.money?.includes(key))) continue;
    changes[key] = { from, to: to as T[keyof T] };
  }
  return changes;
}

/** The new values of the changes, `{ field: to }`: for an update query or an audit detail. */
export function changedValues<T>(changes: Changes<T>): Partial<T> {
  const values: Partial<T> = {};
  for (const key of Object.keys(changes) as (keyof T)[]) values[key] = changes[key]!.to;
  return values;
}

/** Whether nothing changed (of `Changes`, or of their `changedValues`). */
export function isEmpty(changes: object): boolean {
  return Object.keys(changes).length === 0;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Whether a requested value equals the stored one, as `changesOf` compares them. `money`:
 * compare decimal amounts (`numeric` columns, which only the caller knows to be amounts).
 */
export function sameValue(stored: unknown, given: unknown, money = false): boolean {
  if (stored === null || stored === undefined || given === null || given === undefined) {
    return (stored ?? null) === (given ?? null);
  }
  if (money && DECIMAL.test(String(stored)) && DECIMAL.test(String(given))) {
    return new Decimal(String(stored)).eq(String(given));
  }
  if (typeof stored === 'object' || typeof given === 'object') {
    return canonicalJson(stored) === canonicalJson(given);
  }
  return stored === given;
}
