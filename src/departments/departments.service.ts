import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import { branchSummaries } from '../branches/branch-queries';
import type { AuthUser } from '../common/auth/auth-user';
import type { IfMatch } from '../common/http/etag';
import type { Page } from '../common/http/pagination';
import type { OrgMemberDto, OrgTotalsDto } from '../org-units/dto/org-user.dto';
import { type OrgUnitKind, OrgUnits } from '../org-units/org-units';
import {
  APPLICATIONS_IN_UNITS,
  type ApplicationsInUnits,
  CUSTOMERS_IN_UNITS,
  type CustomersInUnits,
} from '../org-units/records-in-unit';
import type { UnitListQuery } from '../org-units/unit-list-query';
import { listableUsersOf } from '../users/user-rules';
import { branchIdsOfMembers, usersOf } from '../users/user-queries';
import { toMember } from '../org-units/dto/org-user.dto';
import { Department } from './department.entity';
import {
  type DepartmentDto,
  type DepartmentStatsDto,
  type DepartmentWithRelationsDto,
  toDepartmentDto,
} from './dto/department.dto';
import type { CreateDepartmentDto, UpdateDepartmentDto } from './dto/department-write.dto';

/** Request field → entity property, for partial updates. */
const UPDATABLE = {
  name: 'name',
  code: 'code',
  description: 'description',
  manager_id: 'managerId',
  is_active: 'isActive',
} as const;

const DEPARTMENTS: OrgUnitKind<Department> = {
  entity: Department,
  alias: 'd',
  type: 'department',
  column: 'department_id',
  notFound: 'Department not found.',
  membership: ['belongs to this department', 'belong to this department'],
};

@Injectable()
export class DepartmentsService {
  private readonly units: OrgUnits<Department>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    audit: AuditService,
    @Inject(APPLICATIONS_IN_UNITS) applications: ApplicationsInUnits,
    @Inject(CUSTOMERS_IN_UNITS) customers: CustomersInUnits,
  ) {
    this.units = new OrgUnits(txHost, audit, { applications, customers }, DEPARTMENTS);
  }

  list(caller: AuthUser, query: UnitListQuery): Promise<Page<DepartmentDto>> {
    return this.units.list(caller, query, toDepartmentDto);
  }

  /** Every active department, by name (for pickers). */
  async listActive(): Promise<DepartmentDto[]> {
    const departments = await this.units.listActive();
    return departments.map((department) => toDepartmentDto(department));
  }

  totals(): Promise<OrgTotalsDto> {
    return this.units.totals();
  }

  /** The department, with the users in it that the caller may list. */
  async get(caller: AuthUser, id: string): Promise<DepartmentDto> {
    const department = await this.units.find(id);
    return toDepartmentDto(department, await this.units.userCounts(caller, id));
  }

  create(caller: AuthUser, body: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.txHost.withTransaction(async () => {
      const department = await this.units.create(
        {
          name: body.name,
          code: body.code,
          description: body.description ?? null,
          managerId: body.manager_id ?? null,
          isActive: body.is_active ?? true,
        },
        (created) => ({
          name: created.name,
          code: created.code,
          description: created.description,
          manager_id: created.managerId,
          is_active: created.isActive,
        }),
      );
      return this.get(caller, department.id);
    });
  }

  /** PUT and PATCH: only the fields present change; nothing changed writes nothing. */
  update(
    caller: AuthUser,
    id: string,
    body: UpdateDepartmentDto,
    ifMatch?: IfMatch,
  ): Promise<DepartmentDto> {
    return this.txHost.withTransaction(async () => {
      await this.units.update(id, body, UPDATABLE, ifMatch);
      return this.get(caller, id);
    });
  }

  toggleStatus(caller: AuthUser, id: string, ifMatch?: IfMatch): Promise<DepartmentDto> {
    return this.txHost.withTransaction(async () => {
      await this.units.toggleStatus(id, ifMatch);
      return this.get(caller, id);
    });
  }

  /** Refused (409) while users belong to it: they must be moved first. */
  remove(id: string, ifMatch?: IfMatch): Promise<void> {
    return this.txHost.withTransaction(() => this.units.remove(id, ifMatch));
  }

  /** Its users the caller may list, and its applications the caller may read. */
  async stats(caller: AuthUser, id: string): Promise<DepartmentStatsDto> {
    const department = await this.units.find(id);
    const { user_count, application_count } = await this.units.figures(caller, id);
    return {
      department_id: department.id,
      department_name: department.name,
      user_count,
      application_count,
      is_active: department.isActive,
    };
  }

  /** Its users that the caller may list (GET /users). */
  users(caller: AuthUser, id: string): Promise<OrgMemberDto[]> {
    return this.units.members(caller, id);
  }

  /** Figures and users as in stats and users; its manager and branches for everyone. */
  async withRelations(caller: AuthUser, id: string): Promise<DepartmentWithRelationsDto> {
    const department = await this.units.find(id);
    const [counts, users, branches] = await Promise.all([
      this.units.figures(caller, id),
      usersOf(this.txHost.tx, 'department_id', id, listableUsersOf(caller)),
      this.branchesOfUsers(id),
    ]);
    return {
      ...toDepartmentDto(department),
      ...counts,
      branch_count: branches.length,
      users: users.map(toMember),
      branches,
    };
  }

  /** Distinct branches where the department's users work, by name. */
  private async branchesOfUsers(departmentId: string) {
    const branchIds = await branchIdsOfMembers(this.txHost.tx, departmentId);
    return branchSummaries(this.txHost.tx, branchIds);
  }
}
