/**
 * The applications' side of `GET /dashboard/pipeline`: the caller's applications counted, with
 * their requested and approved amounts summed, per status, branch, officer and product type, each
 * per currency (USD and KHR are never added together). One GROUPING SETS query: over
 * `application_stats_summary` without a date filter (a few thousand rows at 100k applications;
 * each summary row is a partition of the applications on the scope's columns, so the scope is
 * the same condition on it), else over the table through the list's filtered query (the list's
 * meaning of `date_from`/`date_to` and `branch_id`, in the caller's scope; an index-only scan of
 * customer_applications_pipeline_idx, migration DashboardPipelineIndex). Read-only, exported by
 * ApplicationsModule for the dashboard.
 */
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth-user';
import { type RecordScope, recordScopeOf } from '../../common/auth/record-scope';
import type { CustomerApplication } from '../application.entity';
import { applicationScopeCondition } from '../application-scope';
import { ApplicationsService } from '../records/applications.service';

/** What the pipeline is grouped by: status, branch_id, user_id (the officer), product_type. */
export type PipelineDimension = 'status' | 'branch' | 'officer' | 'product';

/** One group of one dimension in one currency; amounts as numeric text with 2 decimals. */
export interface PipelineRow {
  dimension: PipelineDimension;
  /** The status, branch id, officer's user id or product type; null for none. */
  key: string | null;
  currency: string;
  count: number;
  /** Sum of requested_amount (0.00 when none). */
  requested: string;
  /** Sum of loan_amount, the approved amount (0.00 when none). */
  approved: string;
}

/** The pipeline's filters: the list's `date_from`, `date_to` and `branch_id`. */
export interface PipelineFilters {
  date_from?: string | null;
  date_to?: string | null;
  branch_id?: string | null;
}

/** The grouped columns, in GROUPING() order (the first is the highest bit). */
const KEYS = ['status', 'branch_id', 'user_id', 'product_type'] as const;

/**
 * GROUPING(status, branch_id, user_id, product_type) of each set: a bit is 1 where the column is
 * not grouped. Every set also groups the currency, which GROUPING() leaves out.
 */
export const PIPELINE_SETS: Readonly<Record<number, [PipelineDimension, (typeof KEYS)[number]]>> = {
  0b0111: ['status', 'status'],
  0b1011: ['branch', 'branch_id'],
  0b1101: ['officer', 'user_id'],
  0b1110: ['product', 'product_type'],
};

/** A row as the query returns it. */
export type PipelineQueryRow = Record<(typeof KEYS)[number], string | null> & {
  grouping: number;
  currency: string;
  count: number;
  requested: string;
  approved: string;
};

/** The query's rows as pipeline rows (each row belongs to exactly one grouping set). */
export function toPipelineRows(rows: readonly PipelineQueryRow[]): PipelineRow[] {
  return rows.map((row) => {
    const set = PIPELINE_SETS[row.grouping];
    if (!set) throw new Error(`Unexpected grouping ${row.grouping} in the pipeline query`);
    const [dimension, column] = set;
    return {
      dimension,
      key: row[column],
      currency: row.currency,
      count: row.count,
      requested: row.requested,
      approved: row.approved,
    };
  });
}

/**
 * The grouping sets over `qb`'s rows (alias `alias`), with the figures `count`, `requested` and
 * `approved` given as aggregate expressions. Sums are numeric, rounded to 2 places, read as text.
 */
function groupedPipeline<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  figures: { count: string; requested: string; approved: string },
): Promise<PipelineQueryRow[]> {
  const column = (name: string) => `${alias}.${name}`;
  const sets = KEYS.map((key) => `(${column(key)}, ${column('currency')})`).join(', ');
  return qb
    .select(`GROUPING(${KEYS.map(column).join(', ')})::int`, 'grouping')
    .addSelect(KEYS.map((key) => `${column(key)} AS ${key}`))
    .addSelect(column('currency'), 'currency')
    .addSelect(`${figures.count}::int`, 'count')
    .addSelect(`round(coalesce(${figures.requested}, 0), 2)::text`, 'requested')
    .addSelect(`round(coalesce(${figures.approved}, 0), 2)::text`, 'approved')
    .groupBy(`GROUPING SETS (${sets})`)
    .getRawMany<PipelineQueryRow>();
}

/**
 * The pipeline of every application in `scope` (and of `branchId` when given), from the summary:
 * groups whose applications all left stay there with a count of 0 and are skipped.
 */
export function summaryPipelineRows(
  manager: EntityManager,
  scope: RecordScope,
  branchId: string | null,
): Promise<PipelineQueryRow[]> {
  const qb = manager
    .createQueryBuilder()
    .from('application_stats_summary', 's')
    .where('s.applications > 0');
  const condition = applicationScopeCondition(scope, 's');
  if (condition) qb.andWhere(condition.sql, condition.params);
  if (branchId) qb.andWhere('s.branch_id = :branchId', { branchId });
  return groupedPipeline(qb, 's', {
    count: 'sum(s.applications)',
    requested: 'sum(s.amount_sum)',
    approved: 'sum(s.loan_amount_sum)',
  });
}

/**
 * The pipeline of a filtered query of applications (alias `a`, application-queries.ts): first
 * summed per (status, branch, officer, product, currency) in one hash aggregation (a few
 * thousand groups for a year of 100k applications; the date range is an index-only scan of
 * customer_applications_pipeline_idx, which carries every column read here), which the grouping
 * sets then read: twice as fast as feeding every application to the four sets.
 */
export function tablePipelineRows(
  manager: EntityManager,
  filtered: SelectQueryBuilder<CustomerApplication>,
): Promise<PipelineQueryRow[]> {
  const grouped = [...KEYS, 'currency'];
  const inner = filtered
    .select(grouped.map((column) => `a.${column} AS ${column}`))
    .addSelect('count(*)', 'applications')
    .addSelect('sum(a.requested_amount)', 'requested')
    .addSelect('sum(a.loan_amount)', 'approved')
    .groupBy(grouped.map((column) => `a.${column}`).join(', '));
  const outer = manager
    .createQueryBuilder()
    .from(`(${inner.getQuery()})`, 'g')
    .setParameters(inner.getParameters());
  return groupedPipeline(outer, 'g', {
    count: 'sum(g.applications)',
    requested: 'sum(g.requested)',
    approved: 'sum(g.approved)',
  });
}

/** `GET /dashboard/pipeline`'s figures, for the dashboard module. */
@Injectable()
export class ApplicationPipeline {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationsService,
  ) {}

  /**
   * The caller's pipeline under `filters`: from the summary without dates, else from the table
   * (a `branch_id` out of the caller's scope matches nothing, as in the list).
   */
  async rows(caller: AuthUser, filters: PipelineFilters): Promise<PipelineRow[]> {
    if (!filters.date_from && !filters.date_to) {
      return toPipelineRows(
        await summaryPipelineRows(this.txHost.tx, recordScopeOf(caller), filters.branch_id ?? null),
      );
    }
    const filtered = await this.applications.filteredQuery(caller, {
      date_from: filters.date_from,
      date_to: filters.date_to,
      branch_id: filters.branch_id,
    });
    return toPipelineRows(await tablePipelineRows(this.txHost.tx, filtered()));
  }
}
