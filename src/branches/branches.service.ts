import { Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import type { IfMatch } from '../common/http/etag';
import { type Page, pageOf, pageWindow } from '../common/http/pagination';
import { applyChanges, statusChange } from '../organisation/apply-changes';
import { type OrgMemberDto, type OrgTotalsDto, toMember } from '../organisation/dto/org-user.dto';
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
import { Branch } from './branch.entity';
import { type BranchDto, type BranchStatsDto, toBranchDto } from './dto/branch.dto';
import type { CreateBranchDto, UpdateBranchDto } from './dto/branch-write.dto';

/** Request field → entity property, for partial updates. */
const UPDATABLE = {
  name: 'name',
  code: 'code',
  address: 'address',
  phone_number: 'phoneNumber',
  email: 'email',
  manager_id: 'managerId',
  latitude: 'latitude',
  longitude: 'longitude',
  is_active: 'isActive',
} as const;

const BRANCHES: OrgUnitKind<Branch> = {
  entity: Branch,
  type: 'branch',
  column: 'branch_id',
  notFound: 'Branch not found.',
  membership: ['works at this branch', 'work at this branch'],
};

/** Degrees as numeric(9,6) text, the form PostgreSQL stores and returns. */
function toNumeric(degrees: number | null | undefined): string | null | undefined {
  return typeof degrees === 'number' ? degrees.toFixed(6) : degrees;
}

@Injectable()
export class BranchesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  async list(caller: AuthUser, query: UnitListQueryDto): Promise<Page<BranchDto>> {
    const qb = this.withManager();
    applyOrgListFilters(qb, 'b', query, ['name', 'code']);
    if (query.manager_id) qb.andWhere('b.manager_id = :managerId', { managerId: query.manager_id });
    applyOrgSort(qb, 'b', query.sort_by ?? 'name', query.sort_order);
    const { skip, take } = pageWindow(query);
    const [branches, total] = await qb.offset(skip).limit(take).getManyAndCount();
    const counts = query.include_counts
      ? await unitCountsBy(
          this.txHost.tx,
          'branch_id',
          branches.map((branch) => branch.id),
          countScopeOf(caller),
        )
      : undefined;
    const items = branches.map((branch) => toBranchDto(branch, counts?.get(branch.id)));
    return pageOf(items, total, query);
  }

  /** Every active branch, by name (for pickers). */
  async listActive(): Promise<BranchDto[]> {
    const qb = this.withManager().where('b.is_active = true');
    const branches = await applyOrgSort(qb, 'b', 'name').getMany();
    return branches.map((branch) => toBranchDto(branch));
  }

  totals(): Promise<OrgTotalsDto> {
    return orgTotals(this.txHost.tx, 'branches');
  }

  /** The branch, with the users in it that the caller may list. */
  async get(caller: AuthUser, id: string): Promise<BranchDto> {
    const branch = await this.find(id);
    const counts = await countUsersOf(this.txHost.tx, 'branch_id', id, listableUsersOf(caller));
    return toBranchDto(branch, counts);
  }

  create(caller: AuthUser, body: CreateBranchDto): Promise<BranchDto> {
    return this.txHost.withTransaction(async () => {
      if (body.manager_id) await assertActiveManager(this.txHost.tx, body.manager_id);
      const repository = this.txHost.tx.getRepository(Branch);
      const branch = await repository.save(
        repository.create({
          name: body.name,
          code: body.code,
          address: body.address,
          phoneNumber: body.phone_number ?? null,
          email: body.email ?? null,
          managerId: body.manager_id ?? null,
          latitude: toNumeric(body.latitude) ?? null,
          longitude: toNumeric(body.longitude) ?? null,
          isActive: body.is_active ?? true,
        }),
      );
      await this.audit.record({
        action: 'branch.created',
        entityType: 'branch',
        entityId: branch.id,
        branchId: branch.id,
        details: {
          name: branch.name,
          code: branch.code,
          address: branch.address,
          phone_number: branch.phoneNumber,
          email: branch.email,
          manager_id: branch.managerId,
          latitude: branch.latitude,
          longitude: branch.longitude,
          is_active: branch.isActive,
        },
      });
      return this.get(caller, branch.id);
    });
  }

  /** PUT and PATCH: only the fields present change; nothing changed writes nothing. */
  update(
    caller: AuthUser,
    id: string,
    body: UpdateBranchDto,
    ifMatch?: IfMatch,
  ): Promise<BranchDto> {
    return this.txHost.withTransaction(async () => {
      const branch = await lockUnit(this.txHost.tx, BRANCHES, id, ifMatch);
      if (body.manager_id && body.manager_id !== branch.managerId) {
        await assertActiveManager(this.txHost.tx, body.manager_id);
      }
      const wasActive = branch.isActive;
      const patch = {
        ...body,
        latitude: toNumeric(body.latitude),
        longitude: toNumeric(body.longitude),
      };
      const changes = applyChanges(branch, patch, UPDATABLE);
      if (Object.keys(changes).length > 0) {
        await this.txHost.tx.getRepository(Branch).save(branch);
        await this.audit.record({
          action: 'branch.updated',
          entityType: 'branch',
          entityId: id,
          branchId: id,
          ...statusChange(wasActive, branch.isActive),
          details: changes,
        });
      }
      return this.get(caller, id);
    });
  }

  toggleStatus(caller: AuthUser, id: string, ifMatch?: IfMatch): Promise<BranchDto> {
    return this.txHost.withTransaction(async () => {
      await toggleUnitStatus(this.txHost.tx, this.audit, BRANCHES, id, ifMatch);
      return this.get(caller, id);
    });
  }

  /** Refused (409) while users work there: they must be moved first. */
  remove(id: string, ifMatch?: IfMatch): Promise<void> {
    return this.txHost.withTransaction(() =>
      removeUnit(this.txHost.tx, this.audit, BRANCHES, id, ifMatch),
    );
  }

  /** Its users the caller may list, and its applications the caller may read. */
  async stats(caller: AuthUser, id: string): Promise<BranchStatsDto> {
    const branch = await this.find(id);
    const { user_count, application_count } = await unitCountsOf(
      this.txHost.tx,
      'branch_id',
      id,
      countScopeOf(caller),
    );
    return {
      branch_id: branch.id,
      branch_name: branch.name,
      user_count,
      application_count,
      is_active: branch.isActive,
    };
  }

  /** Its users that the caller may list (GET /users). */
  async users(caller: AuthUser, id: string): Promise<OrgMemberDto[]> {
    await this.find(id);
    const users = await usersOf(this.txHost.tx, 'branch_id', id, listableUsersOf(caller));
    return users.map(toMember);
  }

  /** Branches with their manager's summary (only the columns shown). */
  private withManager() {
    return this.txHost.tx
      .getRepository(Branch)
      .createQueryBuilder('b')
      .leftJoin('b.manager', 'm')
      .addSelect(['m.id', 'm.username', 'm.firstName', 'm.lastName', 'm.email']);
  }

  private async find(id: string): Promise<Branch> {
    const branch = await this.withManager().where('b.id = :id', { id }).getOne();
    if (!branch) throw new NotFoundException(BRANCHES.notFound);
    return branch;
  }
}
