import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
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
  alias: 'b',
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
  private readonly units: OrgUnits<Branch>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    audit: AuditService,
    @Inject(APPLICATIONS_IN_UNITS) applications: ApplicationsInUnits,
    @Inject(CUSTOMERS_IN_UNITS) customers: CustomersInUnits,
  ) {
    this.units = new OrgUnits(txHost, audit, { applications, customers }, BRANCHES);
  }

  list(caller: AuthUser, query: UnitListQuery): Promise<Page<BranchDto>> {
    return this.units.list(caller, query, toBranchDto);
  }

  /** Every active branch, by name (for pickers). */
  async listActive(): Promise<BranchDto[]> {
    const branches = await this.units.listActive();
    return branches.map((branch) => toBranchDto(branch));
  }

  totals(): Promise<OrgTotalsDto> {
    return this.units.totals();
  }

  /** The branch, with the users in it that the caller may list. */
  async get(caller: AuthUser, id: string): Promise<BranchDto> {
    const branch = await this.units.find(id);
    return toBranchDto(branch, await this.units.userCounts(caller, id));
  }

  create(caller: AuthUser, body: CreateBranchDto): Promise<BranchDto> {
    return this.txHost.withTransaction(async () => {
      const branch = await this.units.create(
        {
          name: body.name,
          code: body.code,
          address: body.address,
          phoneNumber: body.phone_number ?? null,
          email: body.email ?? null,
          managerId: body.manager_id ?? null,
          latitude: toNumeric(body.latitude) ?? null,
          longitude: toNumeric(body.longitude) ?? null,
          isActive: body.is_active ?? true,
        },
        (created) => ({
          name: created.name,
          code: created.code,
          address: created.address,
          phone_number: created.phoneNumber,
          email: created.email,
          manager_id: created.managerId,
          latitude: created.latitude,
          longitude: created.longitude,
          is_active: created.isActive,
        }),
      );
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
      const requested = {
        ...body,
        latitude: toNumeric(body.latitude),
        longitude: toNumeric(body.longitude),
      };
      await this.units.update(id, requested, UPDATABLE, ifMatch);
      return this.get(caller, id);
    });
  }

  toggleStatus(caller: AuthUser, id: string, ifMatch?: IfMatch): Promise<BranchDto> {
    return this.txHost.withTransaction(async () => {
      await this.units.toggleStatus(id, ifMatch);
      return this.get(caller, id);
    });
  }

  /** Refused (409) while users work there: they must be moved first. */
  remove(id: string, ifMatch?: IfMatch): Promise<void> {
    return this.txHost.withTransaction(() => this.units.remove(id, ifMatch));
  }

  /** Its users the caller may list, and its applications the caller may read. */
  async stats(caller: AuthUser, id: string): Promise<BranchStatsDto> {
    const branch = await this.units.find(id);
    const { user_count, application_count } = await this.units.figures(caller, id);
    return {
      branch_id: branch.id,
      branch_name: branch.name,
      user_count,
      application_count,
      is_active: branch.isActive,
    };
  }

  /** Its users that the caller may list (GET /users). */
  users(caller: AuthUser, id: string): Promise<OrgMemberDto[]> {
    return this.units.members(caller, id);
  }
}
