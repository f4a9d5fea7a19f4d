import { Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import type { IfMatch } from '../common/http/etag';
import { type Page, pageOf, pageWindow } from '../common/http/pagination';
import { Branch } from '../branches/branch.entity';
import { applyChanges, statusChange } from '../organisation/apply-changes';
import { type OrgTotalsDto, type OrgMemberDto, toMember } from '../organisation/dto/org-user.dto';
import { countScopeOf, unitCountsBy, unitCountsOf } from '../organisation/org-counts';
import {
  applyOrgListFilters,
  applyOrgSort,
  type UnitListQueryDto,
} from '../organisation/org-list-query';
import { orgTotals } from '../organisation/org-totals';
import {
  lockUnit,
  type OrgUnitKind,
  removeUnit,
  toggleUnitStatus,
} from '../organisation/org-units';
import { assertActiveManager, countUsersOf, usersOf } from '../organisation/org-users';
import { listableUsersOf } from '../users/user-rules';
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
  type: 'department',
  column: 'department_id',
  notFound: 'Department not found.',
  membership: ['belongs to this department', 'belong to this department'],
};

@Injectable()
export class DepartmentsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  async list(caller: AuthUser, query: UnitListQueryDto): Promise<Page<DepartmentDto>> {
    const qb = this.withManager();
    applyOrgListFilters(qb, 'd', query, ['name', 'code']);
    if (query.manager_id) qb.andWhere('d.manager_id = :managerId', { managerId: query.manager_id });
    applyOrgSort(qb, 'd', query.sort_by ?? 'name', query.sort_order);
    const { skip, take } = pageWindow(query);
    const [departments, total] = await qb.offset(skip).limit(take).getManyAndCount();
    const counts = query.include_counts
      ? await unitCountsBy(
          this.txHost.tx,
          'department_id',
          departments.map((department) => department.id),
          countScopeOf(caller),
        )
      : undefined;
    const items = departments.map((department) =>
      toDepartmentDto(department, counts?.get(department.id)),
    );
    return pageOf(items, total, query);
  }

  /** Every active department, by name (for pickers). */
  async listActive(): Promise<DepartmentDto[]> {
    const qb = this.withManager().where('d.is_active = true');
    const departments = await applyOrgSort(qb, 'd', 'name').getMany();
    return departments.map((department) => toDepartmentDto(department));
  }

  totals(): Promise<OrgTotalsDto> {
    return orgTotals(this.txHost.tx, 'departments');
  }

  /** The department, with the users in it that the caller may list. */
  async get(caller: AuthUser, id: string): Promise<DepartmentDto> {
    const department = await this.find(id);
    const counts = await countUsersOf(this.txHost.tx, 'department_id', id, listableUsersOf(caller));
    return toDepartmentDto(department, counts);
  }

  create(caller: AuthUser, body: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.txHost.withTransaction(async () => {
      if (body.manager_id) await assertActiveManager(this.txHost.tx, body.manager_id);
      const repository = this.txHost.tx.getRepository(Department);
      const department = await repository.save(
        repository.create({
          name: body.name,
          code: body.code,
          description: body.description ?? null,
          managerId: body.manager_id ?? null,
          isActive: body.is_active ?? true,
        }),
      );
      await this.audit.record({
        action: 'department.created',
        entityType: 'department',
        entityId: department.id,
        departmentId: department.id,
        details: {
          name: department.name,
          code: department.code,
          description: department.description,
          manager_id: department.managerId,
          is_active: department.isActive,
        },
      });
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
      const department = await lockUnit(this.txHost.tx, DEPARTMENTS, id, ifMatch);
      if (body.manager_id && body.manager_id !== department.managerId) {
        await assertActiveManager(this.txHost.tx, body.manager_id);
      }
      const wasActive = department.isActive;
      const changes = applyChanges(department, body, UPDATABLE);
      if (Object.keys(changes).length > 0) {
        await this.txHost.tx.getRepository(Department).save(department);
        await this.audit.record({
          action: 'department.updated',
          entityType: 'department',
          entityId: id,
          departmentId: id,
          ...statusChange(wasActive, department.isActive),
          details: changes,
        });
      }
      return this.get(caller, id);
    });
  }

  toggleStatus(caller: AuthUser, id: string, ifMatch?: IfMatch): Promise<DepartmentDto> {
    return this.txHost.withTransaction(async () => {
      await toggleUnitStatus(this.txHost.tx, this.audit, DEPARTMENTS, id, ifMatch);
      return this.get(caller, id);
    });
  }

  /** Refused (409) while users belong to it: they must be moved first. */
  remove(id: string, ifMatch?: IfMatch): Promise<void> {
    return this.txHost.withTransaction(() =>
      removeUnit(this.txHost.tx, this.audit, DEPARTMENTS, id, ifMatch),
    );
  }

  /** Its users the caller may list, and its applications the caller may read. */
  async stats(caller: AuthUser, id: string): Promise<DepartmentStatsDto> {
    const department = await this.find(id);
    const { user_count, application_count } = await unitCountsOf(
      this.txHost.tx,
      'department_id',
      id,
      countScopeOf(caller),
    );
    return {
      department_id: department.id,
      department_name: department.name,
      user_count,
      application_count,
      is_active: department.isActive,
    };
  }

  /** Its users that the caller may list (GET /users). */
  async users(caller: AuthUser, id: string): Promise<OrgMemberDto[]> {
    await this.find(id);
    const users = await usersOf(this.txHost.tx, 'department_id', id, listableUsersOf(caller));
    return users.map(toMember);
  }

  /** Figures and users as in stats and users; its manager and branches for everyone. */
  async withRelations(caller: AuthUser, id: string): Promise<DepartmentWithRelationsDto> {
    const department = await this.find(id);
    const scope = countScopeOf(caller);
    const [counts, users, branches] = await Promise.all([
      unitCountsOf(this.txHost.tx, 'department_id', id, scope),
      usersOf(this.txHost.tx, 'department_id', id, scope.users),
      this.branchesOfUsers(id),
    ]);
    return {
      ...toDepartmentDto(department),
      ...counts,
      branch_count: branches.length,
      users: users.map(toMember),
      branches: branches.map(({ id: branchId, name, code }) => ({ id: branchId, name, code })),
    };
  }

  /** Distinct branches where the department's users work, by name. */
  private branchesOfUsers(departmentId: string): Promise<Branch[]> {
    return this.txHost.tx
      .getRepository(Branch)
      .createQueryBuilder('b')
      .select(['b.id', 'b.name', 'b.code'])
      .where('EXISTS (SELECT 1 FROM users u WHERE u.branch_id = b.id AND u.department_id = :id)', {
        id: departmentId,
      })
      .orderBy('lower(b.name)')
      .addOrderBy('b.id')
      .getMany();
  }

  /** Departments with their manager's summary (only the columns shown). */
  private withManager() {
    return this.txHost.tx
      .getRepository(Department)
      .createQueryBuilder('d')
      .leftJoin('d.manager', 'm')
      .addSelect(['m.id', 'm.username', 'm.firstName', 'm.lastName', 'm.email']);
  }

  private async find(id: string): Promise<Department> {
    const department = await this.withManager().where('d.id = :id', { id }).getOne();
    if (!department) throw new NotFoundException(DEPARTMENTS.notFound);
    return department;
  }
}
