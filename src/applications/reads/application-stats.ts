/**
 * The shape of `GET /applications/stats` from the grouped rows its SQL returns. Pure: the
 * counting and the money arithmetic happen in SQL (numeric, never floats); this only fills
 * the missing keys and turns decimal text into JSON numbers at the boundary.
 */
import { moneyJson } from '../../common/money';
import { APPLICATION_STATUSES, RISK_CATEGORIES } from '../../enums/code-enums';
import type { AmountFiguresDto, AmountStatisticsDto } from '../dto/application-stats.dto';

/** One row of a `GROUP BY column` count; `key` is null for rows without a value. */
export interface CountRow {
  key: string | null;
  count: number;
}

/** One row of the amounts query (GROUPING SETS ((), (currency))), numeric values as text. */
export interface AmountRow {
  /** Null on the row that covers every currency. */
  currency: string | null;
  total_applications: number;
  total_amount: string | null;
  average_amount: string | null;
  min_amount: string | null;
  max_amount: string | null;
}

/**
 * Whether `filters` leave every application of the scope in (each absent, null, or an empty
 * list): then the summary table can answer. Any other value, even one that filters nothing,
 * goes to the table, which reads it the way the list does.
 */
export function isUnfiltered(filters: object): boolean {
  return Object.values(filters).every(
    (value) =>
      value === undefined || value === null || (Array.isArray(value) && value.length === 0),
  );
}

/** The key under which applications without a risk assessment are counted. */
export const UNASSESSED = 'unassessed';

/** Every status, in lifecycle order, 0 when absent (statuses unknown to the code are kept). */
export function statusDistribution(rows: readonly CountRow[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(
    APPLICATION_STATUSES.map((status) => [status.value, 0]),
  );
  for (const row of rows)
    if (row.key !== null) counts[row.key] = (counts[row.key] ?? 0) + row.count;
  return counts;
}

/** low, medium, high (0 when absent), then `unassessed` for rows without a category. */
export function riskDistribution(rows: readonly CountRow[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(
    RISK_CATEGORIES.map((risk) => [risk.value, 0]),
  );
  counts[UNASSESSED] = 0;
  for (const row of rows) {
    const key = row.key ?? UNASSESSED;
    counts[key] = (counts[key] ?? 0) + row.count;
  }
  return counts;
}

/** The product types present, most used first (then by name); rows without one are left out. */
export function productDistribution(rows: readonly CountRow[]): Record<string, number> {
  const present = rows.filter((row): row is CountRow & { key: string } => row.key !== null);
  present.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return Object.fromEntries(present.map((row) => [row.key, row.count]));
}

const ZERO = '0';

function figures(row: AmountRow | undefined): AmountFiguresDto {
  return {
    total_applications: row?.total_applications ?? 0,
    total_amount: moneyJson(row?.total_amount ?? ZERO)!,
    average_amount: moneyJson(row?.average_amount ?? ZERO)!,
    min_amount: moneyJson(row?.min_amount ?? ZERO)!,
    max_amount: moneyJson(row?.max_amount ?? ZERO)!,
  };
}

/** The figures over every currency, and per currency (sorted by code). */
export function amountStatistics(rows: readonly AmountRow[]): AmountStatisticsDto {
  const perCurrency = rows
    .filter((row): row is AmountRow & { currency: string } => row.currency !== null)
    .sort((a, b) => a.currency.localeCompare(b.currency));
  return {
    ...figures(rows.find((row) => row.currency === null)),
    by_currency: Object.fromEntries(perCurrency.map((row) => [row.currency, figures(row)])),
  };
}
