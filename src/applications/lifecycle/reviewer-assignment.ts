import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { recordScopeOf } from '../../common/auth/record-scope';
import { ValidationProblem } from '../../common/http/problem';
import { findActiveManagers, findUserSummary } from '../../users/user-queries';
import type { CustomerApplication } from '../application.entity';
import { isApplicationInScope } from '../application-scope';
import { leastBusyReviewer, segregatedIds } from './application-lifecycle';
import { lockReviewerAssignment, reviewerLoads } from './lifecycle-queries';

/**
 * Who reviews an application: the reviewer a submit picks (auto-assignment) and the check of
 * one a manager names. Runs in the caller's transaction.
 */
@Injectable()
export class ReviewerAssignment {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * The auto-assigned reviewer (SPEC §6, `leastBusyReviewer`): an active manager of the
   * application's branch, else of its department, else any — never its creator, owner or any
   * of its submitters (`segregatedIds`) — with the fewest open assignments, ties to the one
   * assigned least recently. Assignments are serialised by a transaction-scoped advisory lock,
   * so two submits never both pick by the same counts.
   */
  async pick(row: CustomerApplication): Promise<string | null> {
    const manager = this.txHost.tx;
    await lockReviewerAssignment(manager);
    const managers = await findActiveManagers(manager, segregatedIds(row));
    const loads = await reviewerLoads(
      manager,
      managers.map((candidate) => candidate.id),
    );
    const candidates = managers.map((candidate) => ({
      ...candidate,
      ...(loads.get(candidate.id) ?? { open: 0, lastAssignedAt: null }),
    }));
    return leastBusyReviewer(candidates, row);
  }

  /**
   * A reviewer is an active manager or admin who has the application in scope and had no hand
   * in it (segregation of duties); else 422 on `reviewer_id` where the request gave it.
   */
  async assertReviewer(
    row: CustomerApplication,
    reviewerId: string,
    source: 'body' | 'query',
  ): Promise<void> {
    const refuse = (msg: string): never => {
      throw new ValidationProblem([{ loc: [source, 'reviewer_id'], msg, type: 'reviewer' }]);
    };
    if (segregatedIds(row).includes(reviewerId)) {
      refuse(
        'must not be someone who created, owns or submitted this application (segregation of duties)',
      );
    }
    const reviewer = await findUserSummary(this.txHost.tx, reviewerId);
    const inScope =
      (reviewer?.role === 'admin' || reviewer?.role === 'manager') &&
      isApplicationInScope(recordScopeOf(reviewer), row);
    if (reviewer?.status === 'active' && inScope) return;
    refuse('must be an active manager or admin who can see this application');
  }
}
