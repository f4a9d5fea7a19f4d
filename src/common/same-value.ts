/**
 * Whether a value given in a request equals the stored one, so that an update that changes
 * nothing writes nothing (no new version, no audit event). Decimal text compares by amount
 * (`"5000"` equals numeric `"5000.00"`), lists and objects by their JSON content.
 */
import { canonicalJson } from './http/idempotency/canonical-json';
import { Decimal } from './money';

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function sameValue(stored: unknown, given: unknown): boolean {
  if (stored === null || stored === undefined || given === null || given === undefined) {
    return (stored ?? null) === (given ?? null);
  }
  if (typeof stored === 'string' && typeof given === 'string') {
    return DECIMAL.test(stored) && DECIMAL.test(given)
      ? new Decimal(stored).eq(given)
      : stored === given;
  }
  if (typeof stored === 'object' || typeof given === 'object') {
    return canonicalJson(stored) === canonicalJson(given);
  }
  return stored === given;
}
