import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser } from '../common/auth/decorators';
import { type IfMatch, IfMatchHeader } from '../common/http/etag';
import { UuidParam } from '../common/http/validation';
import type { OrgMemberDto, OrgTotalsDto } from '../org-units/dto/org-user.dto';
import { UnitRoutes, type UnitWords } from '../org-units/org-unit-routes';
import { UnitListQuery } from '../org-units/unit-list-query';
import { BranchesService } from './branches.service';
import { BranchDto, BranchStatsDto } from './dto/branch.dto';
import { CreateBranchDto, UpdateBranchDto } from './dto/branch-write.dto';

const BRANCH: UnitWords = { plural: 'branches', singular: 'branch', usersAre: 'work there' };

@ApiTags('Branches')
@Controller('branches')
export class BranchesController {
  constructor(private readonly branches: BranchesService) {}

  @Get()
  @UnitRoutes.list(BRANCH, BranchDto)
  list(@CurrentUser() caller: AuthUser, @Query() query: UnitListQuery) {
    return this.branches.list(caller, query);
  }

  @Post()
  @UnitRoutes.create(BRANCH, BranchDto)
  create(@CurrentUser() caller: AuthUser, @Body() body: CreateBranchDto): Promise<BranchDto> {
    return this.branches.create(caller, body);
  }

  @Get('active')
  @UnitRoutes.listActive(BRANCH, BranchDto)
  listActive(): Promise<BranchDto[]> {
    return this.branches.listActive();
  }

  @Get('stats')
  @UnitRoutes.totals(BRANCH)
  totals(): Promise<OrgTotalsDto> {
    return this.branches.totals();
  }

  @Get(':id')
  @UnitRoutes.get(BRANCH, BranchDto)
  get(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<BranchDto> {
    return this.branches.get(caller, id);
  }

  @Put(':id')
  @UnitRoutes.replace(BRANCH, BranchDto)
  replace(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateBranchDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<BranchDto> {
    return this.update(caller, id, body, ifMatch);
  }

  @Patch(':id')
  @UnitRoutes.update(BRANCH, BranchDto)
  update(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateBranchDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<BranchDto> {
    return this.branches.update(caller, id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @UnitRoutes.remove(BRANCH)
  remove(@UuidParam('id') id: string, @IfMatchHeader() ifMatch?: IfMatch): Promise<void> {
    return this.branches.remove(id, ifMatch);
  }

  @Patch(':id/toggle-status')
  @UnitRoutes.toggleStatus(BRANCH, BranchDto)
  toggleStatus(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<BranchDto> {
    return this.branches.toggleStatus(caller, id, ifMatch);
  }

  @Get(':id/stats')
  @UnitRoutes.stats(BRANCH, BranchStatsDto)
  stats(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<BranchStatsDto> {
    return this.branches.stats(caller, id);
  }

  @Get(':id/users')
  @UnitRoutes.users(BRANCH)
  users(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<OrgMemberDto[]> {
    return this.branches.users(caller, id);
  }
}
