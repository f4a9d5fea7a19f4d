/**
 * Money: a decimal with at most two places (SPEC §3), kept as a string from the request to
 * `numeric(15,2)` and back; arithmetic uses decimal.js, never binary floats. Only at the JSON
 * boundary does an amount become a JSON number: every numeric(15,2) value (at most 15
 * significant digits) survives that conversion and prints back exactly.
 */
import Decimal from 'decimal.js';

/** Up to 13 integer digits and 2 decimals: what numeric(15,2) holds. */
export const MONEY_PATTERN = /^-?\d{1,13}(\.\d{1,2})?$/;
export const MONEY_MAX = '9999999999999.99';

/** A request value (JSON number or numeric string) as canonical decimal text, or undefined. */
export function moneyText(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // A JSON number has already been parsed; its shortest text is what the client wrote.
    const text = String(value);
    return MONEY_PATTERN.test(text) ? text : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return MONEY_PATTERN.test(text) ? new Decimal(text).toFixed() : undefined;
}

/** numeric text from the database (or null) as the JSON number the API answers with. */
export function moneyJson(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function decimal(value: string | number): Decimal {
  return new Decimal(value);
}

export { Decimal };
