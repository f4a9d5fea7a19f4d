/**
 * The SQL of the read views beyond the list: the stats' one grouped pass and the export's
 * keyset batches. Each takes a fresh query of the caller's filtered applications (alias `a`,
 * application-queries.ts) and adds its own selection.
 */
import type { SelectQueryBuilder } from 'typeorm';
import type { CustomerApplication } from '../application.entity';
import { orderApplications } from '../application-queries';
import type { AmountRow } from './application-stats';
import { EXPORT_SOURCE_COLUMNS, type ExportSourceRow } from './application-export';

/** A row of the stats query: the grouping bits, the grouped columns, the figures as text. */
export interface StatsRow extends AmountRow {
  grouping: number;
  status: string | null;
  risk_category: string | null;
  product_type: string | null;
}

/**
 * GROUPING(status, risk_category, product_type, currency) for each set: a bit is 1 where the
 * column is not grouped (status is the highest bit).
 */
export const GROUPED_BY = {
  status: 0b0111,
  risk_category: 0b1011,
  product_type: 0b1101,
  currency: 0b1110,
  all: 0b1111,
};

/**
 * One pass over the rows for every figure: each grouping set is one distribution, the empty set
 * the figures over all (it yields its row even when no application matches). GROUPING() says
 * which set a row belongs to. Sums, averages (rounded to 2 places), minima and maxima are
 * computed on numeric and read as text, so no float touches money.
 */
export function statsRows(filtered: SelectQueryBuilder<CustomerApplication>): Promise<StatsRow[]> {
  return filtered
    .select('GROUPING(a.status, a.risk_category, a.product_type, a.currency)::int', 'grouping')
    .addSelect('a.status', 'status')
    .addSelect('a.risk_category', 'risk_category')
    .addSelect('a.product_type', 'product_type')
    .addSelect('a.currency', 'currency')
    .addSelect('count(*)::int', 'total_applications')
    .addSelect('sum(a.requested_amount)::text', 'total_amount')
    .addSelect('round(avg(a.requested_amount), 2)::text', 'average_amount')
    .addSelect('min(a.requested_amount)::text', 'min_amount')
    .addSelect('max(a.requested_amount)::text', 'max_amount')
    .groupBy('GROUPING SETS ((a.status), (a.risk_category), (a.product_type), (a.currency), ())')
    .getRawMany<StatsRow>();
}

/** Where the export's keyset pagination stands: the list order's key of the last row sent. */
export interface ExportCursor {
  rank: number;
  /** created_at as PostgreSQL's text, which keeps the microseconds a JS Date would drop. */
  createdAt: string;
  id: string;
}

/** A row of an export batch: the exported columns and the list order's key. */
export type ExportRow = ExportSourceRow & {
  id: string;
  id_number: string | null;
  cursor_rank: number;
  cursor_created_at: string;
};

/**
 * The next `size` rows of the export after `after`: a keyset page of the list order (priority
 * rank, created_at DESC, id DESC), one short query of its own.
 */
export function exportBatch(
  filtered: SelectQueryBuilder<CustomerApplication>,
  after: ExportCursor | null,
  size: number,
): Promise<ExportRow[]> {
  const qb = orderApplications(filtered)
    .select('a.priority_rank', 'cursor_rank')
    .addSelect('CAST(a.created_at AS text)', 'cursor_created_at')
    .limit(size);
  // Each column under its own name (the API's, which is the column's).
  for (const column of EXPORT_SOURCE_COLUMNS) qb.addSelect(`a.${column}`, column);
  if (after) {
    qb.andWhere(
      '(a.priority_rank > :afterRank OR (a.priority_rank = :afterRank AND ' +
        '(a.created_at, a.id) < (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid))))',
      { afterRank: after.rank, afterCreatedAt: after.createdAt, afterId: after.id },
    );
  }
  return qb.getRawMany<ExportRow>();
}
