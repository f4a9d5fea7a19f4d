import { applicationFigures } from './dashboard-figures';

describe('applicationFigures', () => {
  it('gives every status, 0 for those absent, and totals of nothing as 0', () => {
    expect(applicationFigures({})).toEqual({
      total: 0,
      draft: 0,
      submitted: 0,
      initial_review: 0,
      credit_check: 0,
      approval_pending: 0,
      approved: 0,
      rejected: 0,
      disbursed: 0,
      completed: 0,
      withdrawn: 0,
      under_review: 0,
      pending: 0,
    });
  });

  it('groups the review stages as under_review and adds submitted for pending', () => {
    const figures = applicationFigures({
      draft: 4,
      submitted: 3,
      initial_review: 2,
      credit_check: 5,
      approval_pending: 7,
      approved: 11,
      rejected: 13,
      disbursed: 17,
      completed: 19,
      withdrawn: 23,
    });
    expect(figures.under_review).toBe(2 + 5 + 7);
    expect(figures.pending).toBe(3 + 2 + 5 + 7);
    expect(figures.total).toBe(4 + 3 + 2 + 5 + 7 + 11 + 13 + 17 + 19 + 23);
    expect(figures.submitted).toBe(3);
    expect(figures.withdrawn).toBe(23);
  });

  it('counts a status once: submitted is the status, not the pending group', () => {
    const figures = applicationFigures({ submitted: 1, credit_check: 1, approved: 2 });
    expect(figures).toMatchObject({ submitted: 1, under_review: 1, pending: 2, total: 4 });
  });

  it('puts total first and the groups last, the statuses in lifecycle order between', () => {
    expect(Object.keys(applicationFigures({ approved: 1 }))).toEqual([
      'total',
      'draft',
      'submitted',
      'initial_review',
      'credit_check',
      'approval_pending',
      'approved',
      'rejected',
      'disbursed',
      'completed',
      'withdrawn',
      'under_review',
      'pending',
    ]);
  });
});
