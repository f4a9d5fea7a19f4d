/**
 * What the dashboard's figures and recent list read of applications (`GET /dashboard/stats`,
 * `GET /dashboard/recent-applications`, issue 13): read-only queries over the caller's scope,
 * the same condition the list applies (application-scope.ts), so each figure equals the `total`
 * of the matching `GET /applications` for the same caller. Provided and exported by
 * ApplicationsModule; the dashboard module names none of these tables itself.
 */
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { AuthUser } from '../../common/auth/auth-user';
import { recordScopeOf } from '../../common/auth/record-scope';
import type { ApplicationStatus } from '../../enums/code-enums';
import { applicationScopeCondition } from '../application-scope';
import { OPEN_REVIEW_STATUSES } from '../lifecycle/application-lifecycle';

/** The caller's applications per status, and their own review queue. */
export interface ApplicationDashboardCounts {
  /** Applications in scope per status; statuses without any are absent. */
  byStatus: Partial<Record<ApplicationStatus, number>>;
  /** In a review stage (OPEN_REVIEW_STATUSES) with the caller as assigned reviewer. */
  assignedToMe: number;
  /** Drafts the caller owns that were returned for changes. */
  returnedToMe: number;
}

/** One row of the recent list: the columns it shows, money as numeric text. */
export interface RecentApplicationRow {
  id: string;
  full_name_latin: string | null;
  full_name_khmer: string | null;
  requested_amount: string | null;
  currency: string;
  status: ApplicationStatus;
  created_at: Date;
  user_id: string;
  phone: string | null;
  portfolio_officer_name: string | null;
}

@Injectable()
export class ApplicationDashboardStats {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The per-status counts and the caller's queue: two small queries, run side by side. */
  async counts(caller: AuthUser): Promise<ApplicationDashboardCounts> {
    const [rows, returnedToMe] = await Promise.all([
      this.statusRows(caller),
      this.countReturnedDrafts(caller.id),
    ]);
    const byStatus: Partial<Record<ApplicationStatus, number>> = {};
    let assignedToMe = 0;
    for (const row of rows) {
      byStatus[row.status] = row.applications;
      assignedToMe += row.assigned_to_me;
    }
    return { byStatus, assignedToMe, returnedToMe };
  }

  /**
   * From `application_stats_summary` (a few thousand rows, kept by triggers in each write's
   * transaction, so exact), under the scope's condition on its four scope columns: the same
   * source and condition as the `total` of `GET /applications?status=...` (summaryCount). An
   * application assigned to the caller is always in their scope, so their queue is a part of it.
   */
  private statusRows(caller: AuthUser) {
    const qb = this.txHost.tx
      .createQueryBuilder()
      .from('application_stats_summary', 's')
      .select('s.status', 'status')
      .addSelect('sum(s.applications)::int', 'applications')
      .addSelect(
        'coalesce(sum(s.applications) FILTER (WHERE s.assigned_reviewer = :me ' +
          'AND s.status IN (:...reviewStatuses)), 0)::int',
        'assigned_to_me',
      )
      .setParameters({ me: caller.id, reviewStatuses: OPEN_REVIEW_STATUSES })
      .where('s.applications > 0')
      .groupBy('s.status');
    const condition = applicationScopeCondition(recordScopeOf(caller), 's');
    if (condition) qb.andWhere(condition.sql, condition.params);
    return qb.getRawMany<{
      status: ApplicationStatus;
      applications: number;
      assigned_to_me: number;
    }>();
  }

  /**
   * The caller's returned drafts. There is no "returned" status: `return` is the only way back
   * to `draft`, and the `submitted_at` that submit set stays, so a draft with one was returned
   * (the `application.return` audit event says the same, at the cost of reading the trail).
   * The partial index customer_applications_returned_draft_idx holds exactly these rows.
   */
  private async countReturnedDrafts(userId: string): Promise<number> {
    const [row] = await this.txHost.tx.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM customer_applications
        WHERE user_id = $1 AND status = 'draft' AND submitted_at IS NOT NULL`,
      [userId],
    );
    return row.count;
  }

  /**
   * The `limit` newest applications in scope (created_at DESC, id DESC): the order of
   * customer_applications_created_at_idx, which the plan walks backwards from the newest,
   * filtering by the scope, until it has `limit` rows (a scope whose rows are few is read
   * through the owner's and reviewer's indexes instead, then sorted).
   */
  recent(caller: AuthUser, limit: number): Promise<RecentApplicationRow[]> {
    const qb = this.txHost.tx
      .createQueryBuilder()
      .from('customer_applications', 'a')
      .select([
        'a.id AS id',
        'a.full_name_latin AS full_name_latin',
        'a.full_name_khmer AS full_name_khmer',
        'a.requested_amount AS requested_amount',
        'a.currency AS currency',
        'a.status AS status',
        'a.created_at AS created_at',
        'a.user_id AS user_id',
        'a.phone AS phone',
        'a.portfolio_officer_name AS portfolio_officer_name',
      ])
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit);
    const condition = applicationScopeCondition(recordScopeOf(caller), 'a');
    if (condition) qb.where(condition.sql, condition.params);
    return qb.getRawMany<RecentApplicationRow>();
  }
}
