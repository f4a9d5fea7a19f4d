/**
 * The SQL of `application_stats_summary` (migration ApplicationStatsSummary): the counts and
 * amounts of the applications per (branch, department, officer, reviewer, status, product type,
 * currency, risk category), kept by triggers in the transaction of every write. Each summary row
 * is a partition of `customer_applications` on the scope's columns, so a scope is the same
 * condition on it (application-scope.ts) and a GROUP BY over it equals one over the table.
 * Read-only; what the unfiltered stats read (and the dashboard may read) instead of the table.
 */
import type { EntityManager } from 'typeorm';
import type { RecordScope } from '../../common/auth/record-scope';
import { applicationScopeCondition } from '../application-scope';
import type { StatsRow } from './read-queries';

/**
 * The rows of statsRows (read-queries.ts: the same grouping sets, columns and numeric text) for
 * every application in `scope`, from the summary: a few thousand rows at 100k applications.
 * The average is the sum over the count of amounts, which is what avg() computes.
 */
export function summaryStatsRows(manager: EntityManager, scope: RecordScope): Promise<StatsRow[]> {
  const qb = manager
    .createQueryBuilder()
    .from('application_stats_summary', 's')
    .select('GROUPING(s.status, s.risk_category, s.product_type, s.currency)::int', 'grouping')
    .addSelect(['s.status AS status', 's.risk_category AS risk_category'])
    .addSelect(['s.product_type AS product_type', 's.currency AS currency'])
    .addSelect('sum(s.applications)::int', 'total_applications')
    .addSelect('(CASE WHEN sum(s.amounts) > 0 THEN sum(s.amount_sum) END)::text', 'total_amount')
    .addSelect('round(sum(s.amount_sum) / nullif(sum(s.amounts), 0), 2)::text', 'average_amount')
    .addSelect('min(s.amount_min)::text', 'min_amount')
    .addSelect('max(s.amount_max)::text', 'max_amount')
    // Groups whose applications all left stay behind with a count of 0.
    .where('s.applications > 0')
    .groupBy('GROUPING SETS ((s.status), (s.risk_category), (s.product_type), (s.currency), ())');
  const condition = applicationScopeCondition(scope, 's');
  if (condition) qb.andWhere(condition.sql, condition.params);
  return qb.getRawMany<StatsRow>();
}
