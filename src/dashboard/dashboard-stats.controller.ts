import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { ApiProblems } from '../common/http/openapi';
import { DashboardStatsService } from './dashboard-stats.service';
import { DashboardStatsDto } from './dto/dashboard-stats.dto';
import { RecentApplicationDto, RecentApplicationsQuery } from './dto/recent-applications.dto';

/** The dashboard's figures and its recent applications (SPEC §7 "Dashboard"). */
@ApiTags('Dashboard')
@Controller('dashboard')
export class DashboardStatsController {
  constructor(private readonly dashboard: DashboardStatsService) {}

  @Get('stats')
  @RequirePermissions('dashboard:read')
  @ApiOperation({
    operationId: 'dashboard_stats',
    summary: 'Figures of the first screen: applications, users, units, files, your queue',
    description:
      'Every group is always present. `applications`: your scope as the applications list ' +
      'applies it; each count equals the `total` of `GET /applications?status=<statuses>` for ' +
      'you. `users`: what `GET /users/stats` gives you (all 0 without `users:read`). ' +
      '`departments` and `branches`: the whole organisation (not scoped: every role reads ' +
      'them, SPEC §4). `files`: the documents of the applications in your scope plus your own ' +
      'uploads not attached to an application (also for admins), `total_size` in bytes. ' +
      '`my_queue`: applications in a review stage assigned to you, and your drafts that were ' +
      'returned for changes.',
  })
  @ApiOkResponse({ type: DashboardStatsDto })
  stats(@CurrentUser() caller: AuthUser): Promise<DashboardStatsDto> {
    return this.dashboard.stats(caller);
  }

  @Get('recent-applications')
  @RequirePermissions('dashboard:read')
  @ApiOperation({
    operationId: 'dashboard_recent_applications',
    summary: 'The newest applications in your scope',
    description:
      'Newest first (`created_at`, then `id`, descending), in your scope as the applications ' +
      'list applies it; `limit` from 1 to 50 (default 5), anything else is 422.',
  })
  @ApiOkResponse({ type: [RecentApplicationDto] })
  @ApiProblems(422)
  recent(
    @CurrentUser() caller: AuthUser,
    @Query() query: RecentApplicationsQuery,
  ): Promise<RecentApplicationDto[]> {
    return this.dashboard.recent(caller, query.limit);
  }
}
