import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import type { IfMatch } from '../common/http/etag';
import { type OrgUnitKind, OrgUnitService, UnitRecords } from '../org-units/org-unit.service';
import { Branch } from './branch.entity';
import { type BranchDto, type BranchStatsDto, toBranchDto } from './dto/branch.dto';
import type { CreateBranchDto, UpdateBranchDto } from './dto/branch-write.dto';

const BRANCHES: OrgUnitKind<Branch, BranchDto> = {
  entity: Branch,
  alias: 'b',
  type: 'branch',
  column: 'branch_id',
  notFound: 'Branch not found.',
  membership: ['works at this branch', 'work at this branch'],
  updatable: {
    name: 'name',
    code: 'code',
    address: 'address',
    phone_number: 'phoneNumber',
    email: 'email',
    manager_id: 'managerId',
    latitude: 'latitude',
    longitude: 'longitude',
    is_active: 'isActive',
  },
  toDto: toBranchDto,
};

/** Degrees as numeric(9,6) text, the form PostgreSQL stores and returns. */
function toNumeric(degrees: number | null | undefined): string | null | undefined {
  return typeof degrees === 'number' ? degrees.toFixed(6) : degrees;
}

/** Branches: the use cases of every unit (OrgUnitService), with coordinates. */
@Injectable()
export class BranchesService extends OrgUnitService<Branch, BranchDto> {
  constructor(
    txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    audit: AuditService,
    records: UnitRecords,
  ) {
    super(txHost, audit, records, BRANCHES);
  }

  create(caller: AuthUser, body: CreateBranchDto): Promise<BranchDto> {
    return this.createUnit(
      caller,
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
      (branch) => ({
        name: branch.name,
        code: branch.code,
        address: branch.address,
        phone_number: branch.phoneNumber,
        email: branch.email,
        manager_id: branch.managerId,
        latitude: branch.latitude,
        longitude: branch.longitude,
        is_active: branch.isActive,
      }),
    );
  }

  /** PUT and PATCH: coordinates compare and are stored as numeric(9,6) text. */
  override update(
    caller: AuthUser,
    id: string,
    body: UpdateBranchDto,
    ifMatch?: IfMatch,
  ): Promise<BranchDto> {
    const requested = {
      ...body,
      latitude: toNumeric(body.latitude),
      longitude: toNumeric(body.longitude),
    };
    return super.update(caller, id, requested, ifMatch);
  }

  /** Its users the caller may list, and its applications the caller may read. */
  async stats(caller: AuthUser, id: string): Promise<BranchStatsDto> {
    const branch = await this.find(id);
    const { user_count, application_count } = await this.figures(caller, id);
    return {
      branch_id: branch.id,
      branch_name: branch.name,
      user_count,
      application_count,
      is_active: branch.isActive,
    };
  }
}
