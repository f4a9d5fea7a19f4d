import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { type FieldError, ProblemException, ValidationProblem } from '../../common/http/problem';
import { Decimal } from '../../common/money';
import type { ApplicationStatus } from '../../enums/code-enums';
import { SettingsService } from '../../settings/settings.service';
import { APPLICATION_FILES, type ApplicationFiles } from '../application-documents';
import { CustomerApplication } from '../application.entity';
import type { ApplicationDto } from '../dto/application.dto';
import type {
  ApproveDto,
  AssessRiskDto,
  AssignReviewerDto,
  CommentDto,
  DisburseDto,
  RejectDto,
  ReturnDto,
  WithdrawDto,
} from '../dto/transition.dto';
import { ApplicationsService } from '../records/applications.service';
import {
  type ApplicationAction,
  allowedActions,
  checkApprovalAuthority,
  illegalTransitionDetail,
  mayPerform,
  nextStatus,
  segregatedIds,
  withSubmitter,
} from './application-lifecycle';
import { loanEndDate, todayIn } from './loan-term';
import { ReviewerAssignment } from './reviewer-assignment';
import { type ScorecardInput, scoreApplication } from './risk-scorecard';
import { missingForSubmit } from './submit-requirements';

/** What a transition step adds to the audit event (reason, amounts, reviewer, ...). */
type AuditDetails = Record<string, unknown>;

/**
 * The lifecycle of SPEC §6, one method per transition. Each runs in one transaction: the row
 * is locked (SELECT ... FOR UPDATE, so of two concurrent approvals one succeeds and the other
 * finds the new status: 409), the state and the actor are checked against the pure rules of
 * application-lifecycle.ts, the status and its timestamps are written, and exactly one audit
 * event is recorded. Any refusal throws before anything is written.
 */
@Injectable()
export class ApplicationWorkflowService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly reviewers: ReviewerAssignment,
    @Inject(APPLICATION_FILES) private readonly files: ApplicationFiles,
  ) {}

  submit(caller: AuthUser, id: string, body: CommentDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'submit', async (row, now) => {
      await this.assertComplete(row);
      row.submittedAt = now;
      row.submittedBy = caller.id;
      row.submitterIds = withSubmitter(row.submitterIds, caller.id);
      const details: AuditDetails = { comment: body.comment ?? undefined };
      if (await this.settings.get('auto_assign_applications')) {
        const reviewer = await this.reviewers.pick(row);
        if (reviewer) {
          this.assign(row, reviewer, now);
          details.assigned_reviewer = reviewer;
          details.auto_assigned = true;
          return { details, status: 'initial_review' };
        }
      }
      return { details };
    });
  }

  /** `source`: where the request gave `reviewer_id`, so that a 422 names that place. */
  assignReviewer(
    caller: AuthUser,
    id: string,
    body: AssignReviewerDto,
    source: 'body' | 'query' = 'body',
  ): Promise<ApplicationDto> {
    return this.act(caller, id, 'assign_reviewer', async (row, now) => {
      if (!body.reviewer_id) {
        throw new ValidationProblem([
          {
            loc: ['body', 'reviewer_id'],
            msg: 'is required (in the body or the query)',
            type: 'required',
          },
        ]);
      }
      await this.reviewers.assertReviewer(row, body.reviewer_id, source);
      const previous = row.assignedReviewer;
      this.assign(row, body.reviewer_id, now);
      return {
        details: {
          assigned_reviewer: body.reviewer_id,
          previous_reviewer: previous,
          comment: body.comment,
        },
      };
    });
  }

  completeReview(caller: AuthUser, id: string, body: CommentDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'complete_review', (row, now) => {
      row.reviewedAt = now;
      return { details: { comment: body.comment } };
    });
  }

  assessRisk(caller: AuthUser, id: string, body: AssessRiskDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'assess_risk', async (row, now) => {
      const [weights, thresholds] = await Promise.all([
        this.settings.get('risk_weights'),
        this.settings.get('risk_thresholds'),
      ]);
      const card = scoreApplication(scorecardInputOf(row), weights, thresholds);
      row.creditScore = card.credit_score;
      row.riskCategory = card.risk_category;
      row.riskBreakdown = card.risk_breakdown;
      if (body.assessment_notes !== undefined) row.assessmentNotes = body.assessment_notes;
      row.riskAssessedAt = now;
      return { details: { credit_score: card.credit_score, risk_category: card.risk_category } };
    });
  }

  approve(caller: AuthUser, id: string, body: ApproveDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'approve', async (row, now) => {
      const amount = this.approvedAmount(row, body.approved_amount ?? null);
      const authority = checkApprovalAuthority(
        await this.settings.get('approval_limits'),
        caller.role,
        row.currency,
        amount,
      );
      if (!authority.ok) {
        throw new ProblemException(HttpStatus.FORBIDDEN, authority.detail, {
          type: 'approval-limit-exceeded',
          extensions: {
            limit: authority.limit === null ? null : Number(authority.limit),
            currency: row.currency,
          },
        });
      }
      row.loanAmount = amount;
      if (body.approved_interest_rate != null) row.interestRate = body.approved_interest_rate;
      if (body.approved_loan_term != null) row.desiredLoanTerm = body.approved_loan_term;
      row.approvedAt = now;
      row.approvedBy = caller.id;
      return {
        details: { approved_amount: amount, currency: row.currency, comment: body.comment },
      };
    });
  }

  reject(caller: AuthUser, id: string, body: RejectDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'reject', (row, now) => {
      row.rejectedAt = now;
      row.rejectedBy = caller.id;
      row.rejectionReason = body.rejection_reason;
      return { details: { reason: body.rejection_reason } };
    });
  }

  returnToDraft(caller: AuthUser, id: string, body: ReturnDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'return', (row) => {
      // Back with the officer: it leaves the reviewer's open work until it is submitted again.
      row.assignedReviewer = null;
      return { details: { reason: body.reason } };
    });
  }

  withdraw(caller: AuthUser, id: string, body: WithdrawDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'withdraw', (row, now) => {
      row.withdrawnAt = now;
      return { details: { reason: body.reason } };
    });
  }

  disburse(caller: AuthUser, id: string, body: DisburseDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'disburse', async (row, now) => {
      const start = body.loan_start_date ?? todayIn(await this.settings.get('timezone'), now);
      const end = row.desiredLoanTerm ? loanEndDate(start, row.desiredLoanTerm) : null;
      if (!end) {
        throw new ValidationProblem([
          {
            loc: ['application', 'desired_loan_term'],
            msg: `must be a term such as 12_months, 26_weeks or 1_years to set the loan end date (it is ${JSON.stringify(row.desiredLoanTerm)})`,
            type: 'loan_term',
          },
        ]);
      }
      row.loanStartDate = start;
      row.loanEndDate = end;
      row.disbursedAt = now;
      return { details: { loan_start_date: start, loan_end_date: end, comment: body.comment } };
    });
  }

  complete(caller: AuthUser, id: string, body: CommentDto): Promise<ApplicationDto> {
    return this.act(caller, id, 'complete', (row, now) => {
      row.completedAt = now;
      return { details: { comment: body.comment } };
    });
  }

  setPriority(
    caller: AuthUser,
    id: string,
    priority: string | null | undefined,
  ): Promise<ApplicationDto> {
    return this.act(caller, id, 'priority', (row) => {
      if (!priority) {
        throw new ValidationProblem([
          {
            loc: ['body', 'priority_level'],
            msg: 'is required (in the body or the query)',
            type: 'required',
          },
        ]);
      }
      const previous = row.priorityLevel;
      row.priorityLevel = priority as CustomerApplication['priorityLevel'];
      return { details: { from: previous, to: priority } };
    });
  }

  /**
   * The skeleton of every transition: lock in scope (404), legal from this status (409), this
   * caller may act (403), then the step's own checks and changes, the save and one event.
   */
  private act(
    caller: AuthUser,
    id: string,
    action: ApplicationAction,
    step: (
      row: CustomerApplication,
      now: Date,
    ) =>
      | { details: AuditDetails; status?: ApplicationStatus }
      | Promise<{ details: AuditDetails; status?: ApplicationStatus }>,
  ): Promise<ApplicationDto> {
    return this.txHost.withTransaction(async () => {
      const row = await this.applications.findInScope(caller, id, { lock: true });
      const from = row.status;
      const to = nextStatus(from, action);
      if (!to) {
        throw new ProblemException(HttpStatus.CONFLICT, illegalTransitionDetail(from, action), {
          type: 'illegal-transition',
          extensions: { current_status: from, allowed_actions: allowedActions(from) },
        });
      }
      const actor = mayPerform(action, caller, {
        userId: row.userId,
        assignedReviewer: row.assignedReviewer,
        segregated: segregatedIds(row),
      });
      if (!actor.ok) throw new ProblemException(HttpStatus.FORBIDDEN, actor.detail);
      const now = new Date();
      const { details, status } = await step(row, now);
      row.status = status ?? to;
      const saved = await this.txHost.tx.getRepository(CustomerApplication).save(row);
      await this.audit.record({
        action: `application.${action}`,
        entityType: 'application',
        entityId: id,
        branchId: row.branchId,
        departmentId: row.departmentId,
        fromStatus: from,
        toStatus: row.status,
        details: withoutUndefined(details),
      });
      return this.applications.toResponse(saved);
    });
  }

  private assign(row: CustomerApplication, reviewerId: string, now: Date): void {
    row.assignedReviewer = reviewerId;
    row.reviewerAssignedAt = now;
  }

  /** 422 listing the required fields and document types the application still lacks. */
  private async assertComplete(row: CustomerApplication): Promise<void> {
    const [fields, documentTypes] = await Promise.all([
      this.settings.get('required_application_fields'),
      this.settings.get('required_document_types'),
    ]);
    const counts = documentTypes.length === 0 ? [] : await this.files.countFilesByType(row.id);
    const missing = missingForSubmit(
      this.applications.toResponse(row),
      fields,
      documentTypes,
      counts,
    );
    if (missing.length === 0) return;
    const errors: FieldError[] = missing.map((item) =>
      item.kind === 'field'
        ? {
            loc: ['application', item.name],
            msg: 'is required before submit',
            type: 'missing_field',
          }
        : {
            loc: ['documents', item.name],
            msg: `a document of type ${item.name} is required before submit`,
            type: 'missing_document',
          },
    );
    throw new ValidationProblem(
      errors,
      `The application cannot be submitted yet: missing ${missing.map((item) => item.name).join(', ')}.`,
    );
  }

  /** The approved amount: > 0 and at most the requested amount; default the requested amount. */
  private approvedAmount(row: CustomerApplication, given: string | null): string {
    const requested = row.requestedAmount;
    const amount = given ?? requested;
    const problem = (msg: string): never => {
      throw new ValidationProblem([
        { loc: ['body', 'approved_amount'], msg, type: 'approved_amount' },
      ]);
    };
    if (amount === null) return problem('is required: the application has no requested amount');
    if (requested !== null && new Decimal(amount).gt(requested)) {
      return problem(`must be at most the requested amount (${requested} ${row.currency})`);
    }
    return new Decimal(amount).toFixed(2);
  }
}

/** What the scorecard reads of an application; the approved amount, once set, is scored. */
function scorecardInputOf(row: CustomerApplication): ScorecardInput {
  return {
    monthly_income: row.monthlyIncome,
    monthly_expenses: row.monthlyExpenses,
    requested_amount: row.loanAmount ?? row.requestedAmount,
    interest_rate: row.interestRate,
    desired_loan_term: row.desiredLoanTerm,
    income_source: row.incomeSource,
    existing_loans: row.existingLoans,
    collaterals: row.collaterals,
    assets_value: row.assetsValue,
  };
}

function withoutUndefined(details: AuditDetails): AuditDetails {
  return Object.fromEntries(
    Object.entries(details).filter(([, value]) => value !== undefined && value !== null),
  );
}
