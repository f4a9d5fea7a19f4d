/**
 * The dashboard's application figures from the counts per status (issue 13): one key per status
 * of SPEC §6, `under_review` (the review stages), `pending` (submitted and under review) and
 * `total`. Pure: the counting happens in SQL (applications' ApplicationDashboardStats).
 */
import { OPEN_REVIEW_STATUSES } from '../applications/lifecycle/application-lifecycle';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../enums/code-enums';

export type ApplicationFigures = Record<ApplicationStatus, number> & {
  total: number;
  under_review: number;
  pending: number;
};

/** Every status present (0 when absent); `total` is the sum of every status. */
export function applicationFigures(
  byStatus: Partial<Record<ApplicationStatus, number>>,
): ApplicationFigures {
  const count = (status: ApplicationStatus) => byStatus[status] ?? 0;
  const perStatus = Object.fromEntries(
    APPLICATION_STATUSES.map(({ value }) => [value, count(value)]),
  ) as Record<ApplicationStatus, number>;
  const underReview = OPEN_REVIEW_STATUSES.reduce((sum, status) => sum + count(status), 0);
  return {
    total: Object.values(perStatus).reduce((sum, n) => sum + n, 0),
    ...perStatus,
    under_review: underReview,
    pending: count('submitted') + underReview,
  };
}
