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

/** The list filters a summary row answers: equality on one of its key columns. */
const SUMMARY_EQUALITIES = new Set([
  'risk_category',
  'product_type',
  'currency',
  'branch_id',
  'user_id',
  'assigned_reviewer',
]);
/** Members of a list query that do not change which rows are counted. */
const NOT_FILTERS = new Set(['page', 'size', 'sort_by', 'sort_order']);

const isGiven = (value: unknown) =>
  value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);

/**
 * The exact number of applications in `scope` passing a list's `filters`, read from the summary
 * (a sum over a few thousand rows instead of a count over the scope's index entries) when every
 * filter given is one a summary row answers: a status list, or equality on its key columns.
 * Undefined otherwise: the caller counts the table. Exact, not cached: the summary changes in the
 * transaction of every write, so a snapshot sees it agree with the table.
 */
export async function summaryCount(
  manager: EntityManager,
  scope: RecordScope,
  filters: object,
): Promise<number | undefined> {
  const given = Object.entries(filters).filter(
    ([name, value]) => !NOT_FILTERS.has(name) && isGiven(value),
  );
  if (given.some(([name]) => name !== 'status' && !SUMMARY_EQUALITIES.has(name))) return undefined;
  const qb = manager
    .createQueryBuilder()
    .from('application_stats_summary', 's')
    .select('coalesce(sum(s.applications), 0)::int', 'total');
  const condition = applicationScopeCondition(scope, 's');
  if (condition) qb.andWhere(condition.sql, condition.params);
  for (const [name, value] of given) {
    if (name === 'status') qb.andWhere('s.status IN (:...statuses)', { statuses: value });
    else qb.andWhere(`s.${name} = :${name}`, { [name]: value });
  }
  const row = await qb.getRawOne<{ total: number }>();
  return row?.total ?? 0;
}

/**
 * The rows of statsRows (read-queries.ts: the same grouping sets, columns and numeric text) for
 * every application in `scope`, from the summary: a few thousand rows at 100k applications,
 * first summed per (status, risk, product, currency), a few hundred, which the grouping sets
 * then read. The average is the sum over the count of amounts, which is what avg() computes.
 */
export function summaryStatsRows(manager: EntityManager, scope: RecordScope): Promise<StatsRow[]> {
  const columns = ['status', 'risk_category', 'product_type', 'currency'];
  const inner = manager
    .createQueryBuilder()
    .from('application_stats_summary', 's')
    .select(columns.map((column) => `s.${column} AS ${column}`))
    .addSelect('sum(s.applications)', 'applications')
    .addSelect('sum(s.amounts)', 'amounts')
    .addSelect('sum(s.amount_sum)', 'amount_sum')
    .addSelect('min(s.amount_min)', 'amount_min')
    .addSelect('max(s.amount_max)', 'amount_max')
    // Groups whose applications all left stay behind with a count of 0.
    .where('s.applications > 0')
    .groupBy(columns.map((column) => `s.${column}`).join(', '));
  const condition = applicationScopeCondition(scope, 's');
  if (condition) inner.andWhere(condition.sql, condition.params);
  return manager
    .createQueryBuilder()
    .from(`(${inner.getQuery()})`, 'g')
    .setParameters(inner.getParameters())
    .select(`GROUPING(${columns.map((column) => `g.${column}`).join(', ')})::int`, 'grouping')
    .addSelect(columns.map((column) => `g.${column} AS ${column}`))
    .addSelect('sum(g.applications)::int', 'total_applications')
    .addSelect('(CASE WHEN sum(g.amounts) > 0 THEN sum(g.amount_sum) END)::text', 'total_amount')
    .addSelect('round(sum(g.amount_sum) / nullif(sum(g.amounts), 0), 2)::text', 'average_amount')
    .addSelect('min(g.amount_min)::text', 'min_amount')
    .addSelect('max(g.amount_max)::text', 'max_amount')
    .groupBy('GROUPING SETS ((g.status), (g.risk_category), (g.product_type), (g.currency), ())')
    .getRawMany<StatsRow>();
}
