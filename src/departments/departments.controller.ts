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
import { DepartmentsService } from './departments.service';
import {
  DepartmentDto,
  DepartmentStatsDto,
  DepartmentWithRelationsDto,
} from './dto/department.dto';
import { CreateDepartmentDto, UpdateDepartmentDto } from './dto/department-write.dto';

const UPDATE_NOTE =
  'Partial update (PUT and PATCH alike): only the fields present change; "" or null clears an ' +
  'optional field. Send If-Match to refuse the change (412) when the record changed since you read it.';

@ApiTags('Departments')
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @Get()
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'departments_list',
    summary: 'List departments',
    description:
      'Default order: name ascending (ignoring case). `search` matches name and code. ' +
      '`include_counts=true` adds `user_count`, `active_user_count` and `application_count` to ' +
      `each item (one grouped query each for users and applications). ${FIGURES_NOTE}`,
  })
  @ApiPageResponse(DepartmentDto)
  @ApiProblems(422)
  list(@CurrentUser() caller: AuthUser, @Query() query: UnitListQueryDto) {
    return this.departments.list(caller, query);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('org:write')
  @ApiOperation({ operationId: 'departments_create', summary: 'Create a department' })
  @ApiCreatedResponse({ type: DepartmentDto })
  @ApiProblems(409, 422)
  create(
    @CurrentUser() caller: AuthUser,
    @Body() body: CreateDepartmentDto,
  ): Promise<DepartmentDto> {
    return this.departments.create(caller, body);
  }

  @Get('active')
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'departments_list_active',
    summary: 'All active departments, by name (a plain array, for pickers)',
  })
  @ApiOkResponse({ type: [DepartmentDto] })
  listActive(): Promise<DepartmentDto[]> {
    return this.departments.listActive();
  }

  @Get('stats')
  @RequirePermissions('org:read')
  @ApiOperation({ operationId: 'departments_stats', summary: 'How many departments are active' })
  @ApiOkResponse({ type: OrgTotalsDto })
  totals(): Promise<OrgTotalsDto> {
    return this.departments.totals();
  }

  @Get(':id')
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'departments_get',
    summary: 'One department, with user counts',
    description: `\`user_count\` and \`active_user_count\`: ${USER_COUNT_NOTE}`,
  })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems(404, 422)
  get(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<DepartmentDto> {
    return this.departments.get(caller, id);
  }

  @Put(':id')
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'departments_update_put',
    summary: 'Update a department (partial, like PATCH)',
    description: UPDATE_NOTE,
  })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems(404, 409, 412, 422)
  replace(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateDepartmentDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<DepartmentDto> {
    return this.departments.update(caller, id, body, ifMatch);
  }

  @Patch(':id')
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'departments_update',
    summary: 'Update a department',
    description: UPDATE_NOTE,
  })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems(404, 409, 412, 422)
  update(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateDepartmentDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<DepartmentDto> {
    return this.departments.update(caller, id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'departments_delete',
    summary: 'Delete a department',
    description: 'Refused (409) while users belong to it; move them first, or deactivate it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 409, 412, 422)
  remove(
    @Param('id', ParseUuidPipe) id: string,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<void> {
    return this.departments.remove(id, ifMatch);
  }

  @Patch(':id/toggle-status')
  @Idempotent()
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'departments_toggle_status',
    summary: 'Activate an inactive department, or deactivate an active one',
    description: 'Send an Idempotency-Key so that a retry does not flip it back.',
  })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems(404, 409, 412, 422)
  toggleStatus(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<DepartmentDto> {
    return this.departments.toggleStatus(caller, id, ifMatch);
  }

  @Get(':id/stats')
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'departments_get_stats',
    summary: "A department's figures, as you may see them",
    description: `Every role may read it; the figures count only what you may see. ${FIGURES_NOTE}`,
  })
  @ApiOkResponse({ type: DepartmentStatsDto })
  @ApiProblems(404, 422)
  stats(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<DepartmentStatsDto> {
    return this.departments.stats(caller, id);
  }

  @Get(':id/users')
  @RequirePermissions('org:read', 'users:read')
  @ApiOperation({
    operationId: 'departments_list_users',
    summary: 'Users of a department you may list, active or not, by name (a plain array)',
    description: MEMBERS_NOTE,
  })
  @ApiOkResponse({ type: [OrgMemberDto] })
  @ApiProblems(404, 422)
  users(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<OrgMemberDto[]> {
    return this.departments.users(caller, id);
  }

  @Get(':id/with-relations')
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'departments_get_with_relations',
    summary: 'A department with its manager, users, the branches they work in and its figures',
    description:
      'Every role may read it; `manager` is always shown. `users` lists, and the figures count, ' +
      `only what you may see (\`users\` is empty for officers and viewers). ${FIGURES_NOTE} ` +
      '`branches` and `branch_count`: the branches where any of its users work.',
  })
  @ApiOkResponse({ type: DepartmentWithRelationsDto })
  @ApiProblems(404, 422)
  withRelations(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<DepartmentWithRelationsDto> {
    return this.departments.withRelations(caller, id);
  }
}
