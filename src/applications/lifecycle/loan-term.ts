/**
 * Loan terms and calendar dates. A term is `N_months`, `N_weeks`, `N_years` or a plain number
 * of months (`"12"`); dates are `YYYY-MM-DD` calendar dates with no time of day or zone, so the
 * arithmetic here never goes through local time. Pure functions, no Nest.
 */

interface ParsedTerm {
  count: number;
  unit: 'months' | 'weeks' | 'years';
}

// Lenient on case, singular/plural and the separator ("12 months", "1_year"), as clients vary.
const TERM_PATTERN = /^(\d+)(?:[_ ]?(month|week|year)s?)?$/i;

function parseTerm(term: string | null | undefined): ParsedTerm | null {
  if (typeof term !== 'string') return null;
  const match = TERM_PATTERN.exec(term.trim());
  if (!match) return null;
  const count = Number(match[1]);
  if (!Number.isSafeInteger(count) || count <= 0) return null;
  const unit = `${(match[2] ?? 'month').toLowerCase()}s` as ParsedTerm['unit'];
  return { count, unit };
}

/** The term in months (weeks convert as 52 weeks = 12 months, so may be fractional); null when not understood. */
export function termInMonths(term: string | null | undefined): number | null {
  const parsed = parseTerm(term);
  if (!parsed) return null;
  switch (parsed.unit) {
    case 'months':
      return parsed.count;
    case 'years':
      return parsed.count * 12;
    case 'weeks':
      return (parsed.count * 12) / 52;
  }
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_YEAR = 9999;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number /* 1-12 */): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function parseDate(date: string): { year: number; month: number; day: number } {
  const match = DATE_PATTERN.exec(date);
  const [year, month, day] = match ? match.slice(1).map(Number) : [0, 0, 0];
  if (!match || year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    // A caller bug (dates reach here validated), so it is not folded into the null answer.
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return { year, month, day };
}

/**
 * The end date of a loan starting on `start` (YYYY-MM-DD) for `term`: months and years add
 * calendar months, clamped to the month's last day (2026-01-31 + 1 month = 2026-02-28); weeks
 * add 7 days each. Null when the term is not understood or the end falls after year 9999.
 * Throws RangeError when `start` is not a calendar date.
 */
export function loanEndDate(start: string, term: string): string | null {
  const parsed = parseTerm(term);
  if (!parsed) return null;
  const { year, month, day } = parseDate(start);

  if (parsed.unit === 'weeks') {
    const end = new Date(Date.UTC(2000, 0, 1));
    // setUTCFullYear, because Date.UTC maps years 0-99 to 1900-1999.
    end.setUTCFullYear(year, month - 1, day + 7 * parsed.count);
    const endYear = end.getUTCFullYear();
    if (!Number.isFinite(endYear) || endYear > MAX_YEAR) return null;
    return formatDate(endYear, end.getUTCMonth() + 1, end.getUTCDate());
  }

  const months = parsed.unit === 'years' ? parsed.count * 12 : parsed.count;
  const index = year * 12 + (month - 1) + months;
  const endYear = Math.floor(index / 12);
  if (!Number.isSafeInteger(index) || endYear > MAX_YEAR) return null;
  const endMonth = (index % 12) + 1;
  return formatDate(endYear, endMonth, Math.min(day, daysInMonth(endYear, endMonth)));
}

/** Today's calendar date (YYYY-MM-DD) in an IANA time zone; RangeError for an unknown zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // Gregorian calendar and Latin digits pinned, so no locale default can change the parts.
  const parts = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((candidate) => candidate.type === type)?.value);
  return formatDate(part('year'), part('month'), part('day'));
}
