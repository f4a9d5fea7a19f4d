import { applyDecorators, Body, Controller, Patch, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  type ApiOperationOptions,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../../common/auth/decorators';
import type { Permission } from '../../common/auth/permissions';
import { Idempotent } from '../../common/http/idempotency/idempotent.decorator';
import { ApiProblems } from '../../common/http/openapi';
import { UuidParam } from '../../common/http/validation';
import { ApplicationWorkflowService } from './application-workflow.service';
import { ApplicationDto } from '../dto/application.dto';
import {
  ApproveDto,
  AssessRiskDto,
  AssignReviewerDto,
  CommentDto,
  DisburseDto,
  PriorityDto,
  RejectDto,
  ReturnDto,
  WithdrawDto,
} from '../dto/transition.dto';

/**
 * The lifecycle routes of SPEC §6: each answers with the updated application; an illegal
 * transition is 409 naming the current status and the allowed actions; out of scope is 404.
 * All take an Idempotency-Key.
 */
/** A lifecycle route: PATCH, idempotent, its permission, OpenAPI text and answers. */
const Transition = (path: string, permission: Permission, operation: ApiOperationOptions) =>
  applyDecorators(
    Patch(path),
    Idempotent(),
    RequirePermissions(permission),
    ApiOperation(operation),
    ApiOkResponse({ type: ApplicationDto }),
    ApiProblems(403, 404, 409, 422),
  );

@ApiTags('Application workflow')
@Controller('applications/:id')
export class ApplicationWorkflowController {
  constructor(private readonly workflow: ApplicationWorkflowService) {}

  @Transition('submit', 'applications:submit', {
    operationId: 'applications_submit',
    summary: 'Submit a draft',
    description:
      'The owner, or a manager/admin in scope. 422 lists the required fields (setting required_application_fields) and document types (required_document_types) still missing. With auto_assign_applications on, the least busy manager (branch, then department, then any; never one who created, owns or ever submitted it) becomes the reviewer and the application moves to initial_review.',
  })
  submit(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string, @Body() body: CommentDto) {
    return this.workflow.submit(caller, id, body);
  }

  @Transition('assign-reviewer', 'applications:manage', {
    operationId: 'applications_assign_reviewer',
    summary: 'Assign (or reassign) the reviewer',
    description:
      'Manager/admin in scope, while submitted or in review. The reviewer must be an active manager or admin who can see the application and who neither created, owns nor ever submitted it (segregation of duties); else 422 on reviewer_id (`loc` names the body or the query, where it was given). From submitted it moves to initial_review.',
  })
  @ApiQuery({ name: 'reviewer_id', required: false, description: 'Instead of the body field.' })
  assignReviewer(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: AssignReviewerDto,
    @Query() query: AssignReviewerDto,
  ) {
    const source = body.reviewer_id ? 'body' : 'query';
    return this.workflow.assignReviewer(
      caller,
      id,
      { ...body, reviewer_id: body.reviewer_id ?? query.reviewer_id },
      source,
    );
  }

  @Transition('complete-review', 'applications:review', {
    operationId: 'applications_complete_review',
    summary: 'Complete the initial review (to credit_check)',
    description: 'The assigned reviewer or an admin.',
  })
  completeReview(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: CommentDto,
  ) {
    return this.workflow.completeReview(caller, id, body);
  }

  @Transition('assess-risk', 'applications:review', {
    operationId: 'applications_assess_risk',
    summary: 'Assess the risk (to approval_pending)',
    description:
      'The assigned reviewer or an admin. Computes credit_score, risk_category and risk_breakdown with the risk_weights and risk_thresholds settings.',
  })
  assessRisk(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: AssessRiskDto,
  ) {
    return this.workflow.assessRisk(caller, id, body);
  }

  @Transition('approve', 'applications:approve', {
    operationId: 'applications_approve',
    summary: 'Approve',
    description:
      'Manager/admin in scope, never whoever created, owns or ever submitted it (403; a return and resubmission or a reassign does not change that). approved_amount (> 0, at most the requested amount; default the requested amount) becomes loan_amount; above your approval_limits for the currency is 403.',
  })
  approve(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string, @Body() body: ApproveDto) {
    return this.workflow.approve(caller, id, body);
  }

  @Transition('reject', 'applications:approve', {
    operationId: 'applications_reject',
    summary: 'Reject (reason required)',
  })
  reject(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string, @Body() body: RejectDto) {
    return this.workflow.reject(caller, id, body);
  }

  @Transition('return', 'applications:approve', {
    operationId: 'applications_return',
    summary: 'Return to draft for changes (reason required)',
  })
  returnToDraft(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: ReturnDto,
  ) {
    return this.workflow.returnToDraft(caller, id, body);
  }

  @Transition('withdraw', 'applications:submit', {
    operationId: 'applications_withdraw',
    summary: 'Withdraw',
    description: 'The owner, or a manager/admin in scope; from draft, submitted or a review stage.',
  })
  withdraw(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: WithdrawDto,
  ) {
    return this.workflow.withdraw(caller, id, body);
  }

  @Transition('disburse', 'applications:manage', {
    operationId: 'applications_disburse',
    summary: 'Disburse an approved loan',
    description:
      'Sets loan_start_date (today in the timezone setting unless given) and loan_end_date from the term.',
  })
  disburse(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: DisburseDto,
  ) {
    return this.workflow.disburse(caller, id, body);
  }

  @Transition('complete', 'applications:manage', {
    operationId: 'applications_complete',
    summary: 'Complete a disbursed loan',
  })
  complete(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string, @Body() body: CommentDto) {
    return this.workflow.complete(caller, id, body);
  }

  @Transition('priority', 'applications:manage', {
    operationId: 'applications_priority',
    summary: 'Set the priority',
    description: 'Manager/admin in scope, in any status but rejected, withdrawn and completed.',
  })
  @ApiQuery({ name: 'priority_level', required: false, description: 'Instead of the body field.' })
  priority(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: PriorityDto,
    @Query() query: PriorityDto,
  ) {
    return this.workflow.setPriority(caller, id, body.priority_level ?? query.priority_level);
  }
}
