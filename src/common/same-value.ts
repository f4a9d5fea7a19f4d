/**
 * Whether a value given in a request equals the stored one, so that an update that changes
 * nothing writes nothing (no new version, no audit event). Lists and objects compare by their
 * JSON content; `numeric` columns by amount (`"5000"` equals `"5000.00"`), which only the
 * caller knows (a phone or id number "0123" is not "123").
 */
import { canonicalJson } from './http/idempotency/canonical-json';
import { Decimal } from './money';

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function sameValue(stored: unknown, given: unknown, numeric = false): boolean {
  if (stored === null || stored === undefined || given === null || given === undefined) {
    return (stored ?? null) === (given ?? null);
  }
  if (numeric && DECIMAL.test(String(stored)) && DECIMAL.test(String(given))) {
    return new Decimal(String(stored)).eq(String(given));
  }
  if (typeof stored === 'object' || typeof given === 'object') {
    return canonicalJson(stored) === canonicalJson(given);
  }
  return stored === given;
}
