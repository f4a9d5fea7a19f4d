/**
 * The SQL of the workflow beyond loading one application: reviewer loads for auto-assignment
 * (serialised by an advisory lock) and the bulk move of a reassign. Plain functions on the
 * transaction's EntityManager.
 */
import type { EntityManager } from 'typeorm';
import type { RecordScope } from '../../common/auth/record-scope';
import { CustomerApplication } from '../application.entity';
import { scopeApplications } from '../application-queries';
import {
  OPEN_REVIEW_STATUSES,
  type ReviewerLoad,
  TERMINAL_STATUSES,
} from './application-lifecycle';

/** Serialises auto-assignments until the transaction ends: two submits never pick by the same counts. */
export async function lockReviewerAssignment(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('lc-workflow:reviewer-assignment'))`);
}

/**
 * Each reviewer's open assignments (OPEN_REVIEW_STATUSES) and when they were last assigned
 * anything, read through customer_applications_reviewer_status_idx. Reviewers with no
 * application are absent.
 */
export async function reviewerLoads(
  manager: EntityManager,
  reviewerIds: readonly string[],
): Promise<Map<string, ReviewerLoad>> {
  if (reviewerIds.length === 0) return new Map();
  const rows = await manager.query<
    { reviewer_id: string; open: number; last_assigned_at: Date | null }[]
  >(
    `SELECT assigned_reviewer AS reviewer_id,
            count(*) FILTER (WHERE status = ANY($2))::int AS open,
            max(reviewer_assigned_at) AS last_assigned_at
       FROM customer_applications
      WHERE assigned_reviewer = ANY($1::uuid[])
      GROUP BY assigned_reviewer`,
    [reviewerIds, OPEN_REVIEW_STATUSES],
  );
  return new Map(
    rows.map((row) => [row.reviewer_id, { open: row.open, lastAssignedAt: row.last_assigned_at }]),
  );
}

/** An officer's open applications within `scope`, oldest first, locked FOR UPDATE. */
export function lockOpenApplicationsOf(
  manager: EntityManager,
  userId: string,
  scope: RecordScope,
): Promise<CustomerApplication[]> {
  const qb = manager
    .getRepository(CustomerApplication)
    .createQueryBuilder('a')
    .where('a.user_id = :from', { from: userId })
    .andWhere('a.status NOT IN (:...closed)', { closed: TERMINAL_STATUSES });
  return scopeApplications(qb, scope)
    .setLock('pessimistic_write')
    .orderBy('a.created_at')
    .getMany();
}

/**
 * Gives applications to another officer. Their creator stays (`created_by`, filled from
 * `user_id` on a row that lacks it), and so do their branch and department.
 */
export async function moveApplications(
  manager: EntityManager,
  ids: readonly string[],
  toUserId: string,
): Promise<void> {
  await manager
    .getRepository(CustomerApplication)
    .createQueryBuilder()
    .update()
    .set({
      createdBy: () => 'coalesce(created_by, user_id)',
      userId: toUserId,
      version: () => 'version + 1',
    })
    .whereInIds([...ids])
    .execute();
}
