/**
 * The arithmetic of the dashboard's activity figures (performance metrics, turnaround): units,
 * rounding to one decimal, the default period. Pure: the database counts, sums and takes the
 * percentiles; this turns its numbers into the answer. Rounding is half up on the decimal value
 * (decimal.js), so 2.25 gives 2.3 whatever its binary float would say; an undefined figure (no
 * decision, no visit) is null, never NaN.
 */
import Decimal from 'decimal.js';

const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86_400;

/** A number (or numeric text) rounded half up to one decimal; null for null or not finite. */
export function oneDecimal(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  let decimal: Decimal;
  try {
    decimal = new Decimal(value);
  } catch {
    return null;
  }
  if (!decimal.isFinite()) return null;
  return decimal.toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toNumber();
}

function ofSeconds(seconds: number | string | null | undefined, perUnit: number): number | null {
  if (seconds === null || seconds === undefined) return null;
  if (typeof seconds === 'number' && !Number.isFinite(seconds)) return null;
  return oneDecimal(new Decimal(seconds).dividedBy(perUnit).toString());
}

export const hoursOf = (seconds: number | string | null | undefined) =>
  ofSeconds(seconds, SECONDS_PER_HOUR);

export const daysOf = (seconds: number | string | null | undefined) =>
  ofSeconds(seconds, SECONDS_PER_DAY);

/** `part` of `whole` in percent, one decimal; null when `whole` is 0 (no NaN). */
export function percentageOf(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return oneDecimal(new Decimal(part).times(100).dividedBy(whole).toString());
}

/** How many days the turnaround covers when no date_from is given (today included). */
export const DEFAULT_TURNAROUND_DAYS = 90;

/** `date` (YYYY-MM-DD) plus `days` (may be negative), as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/**
 * The days the turnaround covers: those given; date_to defaults to today, date_from to the
 * 90 days that end on date_to (date_to - 89).
 */
export function turnaroundPeriod(
  today: string,
  given: { date_from?: string | null; date_to?: string | null },
): { date_from: string; date_to: string } {
  const dateTo = given.date_to ?? today;
  return {
    date_from: given.date_from ?? addDays(dateTo, 1 - DEFAULT_TURNAROUND_DAYS),
    date_to: dateTo,
  };
}
