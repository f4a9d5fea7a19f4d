import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { ApiProblems } from '../common/http/openapi';
import { DashboardPipelineService } from './dashboard-pipeline.service';
import { DashboardPipelineDto } from './dto/dashboard-pipeline.dto';
import { DashboardPipelineQuery } from './dto/dashboard-pipeline.query';

@ApiTags('Dashboard')
@Controller('dashboard')
export class DashboardPipelineController {
  constructor(private readonly pipelines: DashboardPipelineService) {}

  @Get('pipeline')
  @RequirePermissions('dashboard:read')
  @ApiOperation({
    operationId: 'dashboard_pipeline',
    summary: 'Applications and amounts per status, branch, officer and product',
    description:
      'Over the applications in your scope (as the list), optionally those created from ' +
      '`date_from` to `date_to` (days in the `timezone` setting, both inclusive; `date_to` ' +
      'before `date_from` is 422) and of `branch_id` (outside your scope: nothing). Each entry ' +
      'counts its applications and gives, per currency, the sums of the requested amounts and ' +
      'of the approved amounts (`loan_amount`); currencies are never added together.',
  })
  @ApiOkResponse({ type: DashboardPipelineDto })
  @ApiProblems(422)
  pipeline(
    @CurrentUser() caller: AuthUser,
    @Query() query: DashboardPipelineQuery,
  ): Promise<DashboardPipelineDto> {
    return this.pipelines.pipeline(caller, query);
  }
}
