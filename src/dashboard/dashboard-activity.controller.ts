import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { ApiProblems } from '../common/http/openapi';
import { DashboardActivityService } from './dashboard-activity.service';
import {
  ActivityEventDto,
  ActivityTimelineQuery,
  PerformanceMetricsDto,
  TurnaroundDto,
  TurnaroundQuery,
} from './dto/dashboard-activity.dto';

/** The dashboard's views of the work done (SPEC §7 "Dashboard"): timeline, metrics, turnaround. */
@ApiTags('Dashboard')
@Controller('dashboard')
export class DashboardActivityController {
  constructor(private readonly activity: DashboardActivityService) {}

  @Get('activity-timeline')
  @RequirePermissions('dashboard:read')
  @ApiOperation({
    operationId: 'dashboard_activity_timeline',
    summary: 'Recent activity in your scope, newest first (at most 100 events)',
    description:
      'The events of the last `days` days (1–90, default 7) from the audit trail. Events of ' +
      'applications (`type: application`): exactly those the histories ' +
      '(`/applications/{id}/history`) of the applications you may see hold. Other events of ' +
      'the audit log (`type: user`: sign-ins, users, settings, ...) only if you may read the ' +
      'log (`/audit`), within its scope. Ordered by time then id, both descending.',
  })
  @ApiOkResponse({ type: [ActivityEventDto] })
  @ApiProblems(422)
  timeline(
    @CurrentUser() caller: AuthUser,
    @Query() query: ActivityTimelineQuery,
  ): Promise<ActivityEventDto[]> {
    return this.activity.timeline(caller, query.days);
  }

  @Get('performance-metrics')
  @RequirePermissions('dashboard:read')
  @ApiOperation({
    operationId: 'dashboard_performance_metrics',
    summary: 'Decisions of the last 30 days and users signed in today, in your scope',
    description:
      'A decision is a status change to approved or rejected in the last 30 days (up to now) ' +
      'of an application you may see. Figures with one decimal; those without a decision are ' +
      'null.',
  })
  @ApiOkResponse({ type: PerformanceMetricsDto })
  performance(@CurrentUser() caller: AuthUser): Promise<PerformanceMetricsDto> {
    return this.activity.performance(caller);
  }

  @Get('turnaround')
  @RequirePermissions('dashboard:read')
  @ApiOperation({
    operationId: 'dashboard_turnaround',
    summary: 'Time spent per stage and end to end, from the audit trail',
    description:
      'For the applications you may see (and `branch_id` if given): per stage (submitted, ' +
      'initial_review, credit_check, approval_pending, approved until disbursed), the count, ' +
      'median and 90th percentile (exact, in hours) of the time spent in it, over the visits ' +
      'that ended between `date_from` and `date_to` (days in the `timezone` setting; default ' +
      'the last 90 days). A visit runs from the status change that enters the stage to the ' +
      'next one; the visits of one application to one stage are summed. A submit that assigns ' +
      'a reviewer at once goes straight to initial_review: no visit to `submitted`. `open`: ' +
      'visits not left yet (applications now in the stage), left out of the figures. End to ' +
      'end: first submit to the decision (approved or rejected), for the applications decided ' +
      'in the period. `date_from` after `date_to` is 422.',
  })
  @ApiOkResponse({ type: TurnaroundDto })
  @ApiProblems(422)
  turnaround(
    @CurrentUser() caller: AuthUser,
    @Query() query: TurnaroundQuery,
  ): Promise<TurnaroundDto> {
    return this.activity.turnaround(caller, query);
  }
}
