import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { type IfMatch, IfMatchHeader } from '../common/http/etag';
import { Idempotent } from '../common/http/idempotency/idempotent.decorator';
import { ApiProblems } from '../common/http/openapi';
import { ApiPageResponse } from '../common/http/pagination';
import { ParseUuidPipe } from '../common/http/validation';
import { OrgMemberDto, OrgTotalsDto } from '../organisation/dto/org-user.dto';
import { ApiIfMatch, FIGURES_NOTE, MEMBERS_NOTE, USER_COUNT_NOTE } from '../organisation/org-http';
import { UnitListQueryDto } from '../organisation/org-list-query';
import { BranchesService } from './branches.service';
import { BranchDto, BranchStatsDto } from './dto/branch.dto';
import { CreateBranchDto, UpdateBranchDto } from './dto/branch-write.dto';

const UPDATE_NOTE =
  'Partial update (PUT and PATCH alike): only the fields present change; "" or null clears an ' +
  'optional field. Send If-Match to refuse the change (412) when the record changed since you read it.';

@ApiTags('Branches')
@Controller('branches')
export class BranchesController {
  constructor(private readonly branches: BranchesService) {}

  @Get()
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'branches_list',
    summary: 'List branches',
    description:
      'Default order: name ascending (ignoring case). `search` matches name and code. ' +
      '`include_counts=true` adds `user_count`, `active_user_count` and `application_count` to ' +
      `each item (one grouped query each for users and applications). ${FIGURES_NOTE}`,
  })
  @ApiPageResponse(BranchDto)
  @ApiProblems(422)
  list(@CurrentUser() caller: AuthUser, @Query() query: UnitListQueryDto) {
    return this.branches.list(caller, query);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('org:write')
  @ApiOperation({ operationId: 'branches_create', summary: 'Create a branch' })
  @ApiCreatedResponse({ type: BranchDto })
  @ApiProblems(409, 422)
  create(@CurrentUser() caller: AuthUser, @Body() body: CreateBranchDto): Promise<BranchDto> {
    return this.branches.create(caller, body);
  }

  @Get('active')
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'branches_list_active',
    summary: 'All active branches, by name (a plain array, for pickers)',
  })
  @ApiOkResponse({ type: [BranchDto] })
  listActive(): Promise<BranchDto[]> {
    return this.branches.listActive();
  }

  @Get('stats')
  @RequirePermissions('org:read')
  @ApiOperation({ operationId: 'branches_stats', summary: 'How many branches are active' })
  @ApiOkResponse({ type: OrgTotalsDto })
  totals(): Promise<OrgTotalsDto> {
    return this.branches.totals();
  }

  @Get(':id')
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'branches_get',
    summary: 'One branch, with user counts',
    description: `\`user_count\` and \`active_user_count\`: ${USER_COUNT_NOTE}`,
  })
  @ApiOkResponse({ type: BranchDto })
  @ApiProblems(404, 422)
  get(@CurrentUser() caller: AuthUser, @Param('id', ParseUuidPipe) id: string): Promise<BranchDto> {
    return this.branches.get(caller, id);
  }

  @Put(':id')
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'branches_update_put',
    summary: 'Update a branch (partial, like PATCH)',
    description: UPDATE_NOTE,
  })
  @ApiOkResponse({ type: BranchDto })
  @ApiProblems(404, 409, 412, 422)
  replace(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateBranchDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<BranchDto> {
    return this.branches.update(caller, id, body, ifMatch);
  }

  @Patch(':id')
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'branches_update',
    summary: 'Update a branch',
    description: UPDATE_NOTE,
  })
  @ApiOkResponse({ type: BranchDto })
  @ApiProblems(404, 409, 412, 422)
  update(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateBranchDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<BranchDto> {
    return this.branches.update(caller, id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'branches_delete',
    summary: 'Delete a branch',
    description: 'Refused (409) while users work there; move them first, or deactivate it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 409, 412, 422)
  remove(
    @Param('id', ParseUuidPipe) id: string,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<void> {
    return this.branches.remove(id, ifMatch);
  }

  @Patch(':id/toggle-status')
  @Idempotent()
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'branches_toggle_status',
    summary: 'Activate an inactive branch, or deactivate an active one',
    description: 'Send an Idempotency-Key so that a retry does not flip it back.',
  })
  @ApiOkResponse({ type: BranchDto })
  @ApiProblems(404, 409, 412, 422)
  toggleStatus(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<BranchDto> {
    return this.branches.toggleStatus(caller, id, ifMatch);
  }

  @Get(':id/stats')
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'branches_get_stats',
    summary: "A branch's figures, as you may see them",
    description: `Every role may read it; the figures count only what you may see. ${FIGURES_NOTE}`,
  })
  @ApiOkResponse({ type: BranchStatsDto })
  @ApiProblems(404, 422)
  stats(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<BranchStatsDto> {
    return this.branches.stats(caller, id);
  }

  @Get(':id/users')
  @RequirePermissions('org:read', 'users:read')
  @ApiOperation({
    operationId: 'branches_list_users',
    summary: 'Users of a branch you may list, active or not, by name (a plain array)',
    description: MEMBERS_NOTE,
  })
  @ApiOkResponse({ type: [OrgMemberDto] })
  @ApiProblems(404, 422)
  users(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<OrgMemberDto[]> {
    return this.branches.users(caller, id);
  }
}
