import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { type IfMatch, IfMatchHeader } from '../common/http/etag';
import { ApiProblems } from '../common/http/openapi';
import { UuidParam } from '../common/http/validation';
import type { OrgMemberDto, OrgTotalsDto } from '../org-units/dto/org-user.dto';
import { FIGURES_NOTE } from '../org-units/org-http';
import { UnitRoutes, type UnitWords } from '../org-units/org-unit-routes';
import { UnitListQuery } from '../org-units/unit-list-query';
import { DepartmentsService } from './departments.service';
import {
  DepartmentDto,
  DepartmentStatsDto,
  DepartmentWithRelationsDto,
} from './dto/department.dto';
import { CreateDepartmentDto, UpdateDepartmentDto } from './dto/department-write.dto';

const DEPARTMENT: UnitWords = {
  plural: 'departments',
  singular: 'department',
  usersAre: 'belong to it',
};

@ApiTags('Departments')
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @Get()
  @UnitRoutes.list(DEPARTMENT, DepartmentDto)
  list(@CurrentUser() caller: AuthUser, @Query() query: UnitListQuery) {
    return this.departments.list(caller, query);
  }

  @Post()
  @UnitRoutes.create(DEPARTMENT, DepartmentDto)
  create(
    @CurrentUser() caller: AuthUser,
    @Body() body: CreateDepartmentDto,
  ): Promise<DepartmentDto> {
    return this.departments.create(caller, body);
  }

  @Get('active')
  @UnitRoutes.listActive(DEPARTMENT, DepartmentDto)
  listActive(): Promise<DepartmentDto[]> {
    return this.departments.listActive();
  }

  @Get('stats')
  @UnitRoutes.totals(DEPARTMENT)
  totals(): Promise<OrgTotalsDto> {
    return this.departments.totals();
  }

  @Get(':id')
  @UnitRoutes.get(DEPARTMENT, DepartmentDto)
  get(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<DepartmentDto> {
    return this.departments.get(caller, id);
  }

  @Put(':id')
  @UnitRoutes.replace(DEPARTMENT, DepartmentDto)
  replace(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateDepartmentDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<DepartmentDto> {
    return this.update(caller, id, body, ifMatch);
  }

  @Patch(':id')
  @UnitRoutes.update(DEPARTMENT, DepartmentDto)
  update(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateDepartmentDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<DepartmentDto> {
    return this.departments.update(caller, id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @UnitRoutes.remove(DEPARTMENT)
  remove(@UuidParam('id') id: string, @IfMatchHeader() ifMatch?: IfMatch): Promise<void> {
    return this.departments.remove(id, ifMatch);
  }

  @Patch(':id/toggle-status')
  @UnitRoutes.toggleStatus(DEPARTMENT, DepartmentDto)
  toggleStatus(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<DepartmentDto> {
    return this.departments.toggleStatus(caller, id, ifMatch);
  }

  @Get(':id/stats')
  @UnitRoutes.stats(DEPARTMENT, DepartmentStatsDto)
  stats(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<DepartmentStatsDto> {
    return this.departments.stats(caller, id);
  }

  @Get(':id/users')
  @UnitRoutes.users(DEPARTMENT)
  users(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<OrgMemberDto[]> {
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
    @UuidParam('id') id: string,
  ): Promise<DepartmentWithRelationsDto> {
    return this.departments.withRelations(caller, id);
  }
}
