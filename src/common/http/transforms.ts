import { Transform } from 'class-transformer';

/**
 * Explicit conversions for request fields (query strings arrive as text; forms send "" for
 * fields left blank). Each leaves values it does not recognise alone, for the validators to
 * refuse with a clear message.
 */

/** `"true"`/`"false"` (also 1/0, yes/no) to booleans; anything else untouched. */
export function ToBoolean(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(text)) return true;
    if (['false', '0', 'no'].includes(text)) return false;
    return value;
  });
}

/** A whole number from a query string's text; anything else untouched, for the validator. */
export function toInteger(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

/** A whole number from a query string. */
export function ToInteger(): PropertyDecorator {
  return Transform(({ value }) => toInteger(value));
}

/** In an optional field, an empty (or blank) string means "not given": null. */
export function EmptyToNull(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string' && value.trim() === '' ? null : value,
  );
}

/** Surrounding white space removed from strings. */
export function Trim(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
}

/** A comma-separated query value (`status=a,b`) as a list. */
export function ToList(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : value,
  );
}
