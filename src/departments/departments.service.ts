import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import { branchSummaries } from '../branches/branch-queries';
import type { AuthUser } from '../common/auth/auth-user';
import { toMember } from '../org-units/dto/org-user.dto';
import { type OrgUnitKind, OrgUnitService, UnitRecords } from '../org-units/org-unit.service';
import { listableUsersOf } from '../users/user-rules';
import { branchIdsOfMembers, usersOf } from '../users/user-queries';
import { Department } from './department.entity';
import {
  type DepartmentDto,
  type DepartmentStatsDto,
  type DepartmentWithRelationsDto,
  toDepartmentDto,
} from './dto/department.dto';
import type { CreateDepartmentDto } from './dto/department-write.dto';

const DEPARTMENTS: OrgUnitKind<Department, DepartmentDto> = {
  entity: Department,
  alias: 'd',
  type: 'department',
  column: 'department_id',
  notFound: 'Department not found.',
  membership: ['belongs to this department', 'belong to this department'],
  updatable: {
    name: 'name',
    code: 'code',
    description: 'description',
    manager_id: 'managerId',
    is_active: 'isActive',
  },
  toDto: toDepartmentDto,
};

/** Departments: the use cases of every unit (OrgUnitService), their creation and relations. */
@Injectable()
export class DepartmentsService extends OrgUnitService<Department, DepartmentDto> {
  constructor(
    txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    audit: AuditService,
    records: UnitRecords,
  ) {
    super(txHost, audit, records, DEPARTMENTS);
  }

  create(caller: AuthUser, body: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.createUnit(
      caller,
      {
        name: body.name,
        code: body.code,
        description: body.description ?? null,
        managerId: body.manager_id ?? null,
        isActive: body.is_active ?? true,
      },
      (department) => ({
        name: department.name,
        code: department.code,
        description: department.description,
        manager_id: department.managerId,
        is_active: department.isActive,
      }),
    );
  }

  /** Its users the caller may list, and its applications the caller may read. */
  async stats(caller: AuthUser, id: string): Promise<DepartmentStatsDto> {
    const department = await this.find(id);
    const { user_count, application_count } = await this.figures(caller, id);
    return {
      department_id: department.id,
      department_name: department.name,
      user_count,
      application_count,
      is_active: department.isActive,
    };
  }

  /** Figures and users as in stats and users; its manager and branches for everyone. */
  async withRelations(caller: AuthUser, id: string): Promise<DepartmentWithRelationsDto> {
    const department = await this.find(id);
    const [counts, users, branches] = await Promise.all([
      this.figures(caller, id),
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
