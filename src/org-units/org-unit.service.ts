import { HttpStatus, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { DeepPartial, EntityTarget, FindOptionsWhere } from 'typeorm';
import type { AuditRecord, AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import { isEmpty } from '../common/changes';
import { assertIfMatch, type IfMatch } from '../common/http/etag';
import { applyListFilters, applyListSort } from '../common/http/list-query';
import { type Page, pageOf, pageWindow } from '../common/http/pagination';
import { ProblemException, ValidationProblem } from '../common/http/problem';
import { listableUsersOf } from '../users/user-rules';
import {
  countUsersOf,
  EVERY_USER,
  type UserCounts,
  userStatusOf,
  usersOf,
} from '../users/user-queries';
import { type OrgMemberDto, type OrgTotalsDto, toMember } from './dto/org-user.dto';
import { applyFieldChanges, statusChange } from './field-changes';
import { type UnitCounts, unitCountsBy } from './org-counts';
import { stillReferenced } from './org-http';
import {
  APPLICATIONS_IN_UNITS,
  type ApplicationsInUnits,
  CUSTOMERS_IN_UNITS,
  type CustomersInUnits,
  type OrgUnitColumn,
} from './records-in-unit';
import type { UnitListQuery } from './unit-list-query';

/** The columns of a department or branch that the code below touches. */
export interface OrgUnitRow {
  id: string;
  name: string;
  code: string;
  managerId: string | null;
  isActive: boolean;
  version: number;
}

/** What tells a department from a branch here. */
export interface OrgUnitKind<E extends OrgUnitRow, D> {
  entity: EntityTarget<E>;
  /** The alias of its queries. */
  alias: string;
  /** The audit entity type and the prefix of its actions (`department.deleted`). */
  type: 'department' | 'branch';
  /** The users, applications and customers column that points at a unit. */
  column: OrgUnitColumn;
  notFound: string;
  /** How users belong, said of one and of many: "works at this branch", "work at this branch". */
  membership: [singular: string, plural: string];
  /** Request field → entity property, for partial updates. */
  updatable: Record<string, keyof E>;
  /** The answer: the unit, with its figures where shown. */
  toDto(unit: E, counts?: UserCounts | UnitCounts): D;
}

/**
 * Where a unit's figures and delete refusals come from: the tokens of records-in-unit.ts.
 * Provided by the departments and branches modules.
 */
@Injectable()
export class UnitRecords {
  constructor(
    @Inject(APPLICATIONS_IN_UNITS) readonly applications: ApplicationsInUnits,
    @Inject(CUSTOMERS_IN_UNITS) readonly customers: CustomersInUnits,
  ) {}
}

/**
 * The use cases departments and branches share, over a description of the unit: reads with
 * their figures and members, partial updates, toggle-status and delete with its 409s, each
 * write in one transaction with its audit event. DepartmentsService and BranchesService extend
 * it with their create and their own reads.
 */
export abstract class OrgUnitService<E extends OrgUnitRow, D> {
  protected constructor(
    protected readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly records: UnitRecords,
    protected readonly kind: OrgUnitKind<E, D>,
  ) {}

  private get repository() {
    return this.txHost.tx.getRepository(this.kind.entity);
  }

  /** A page of units, with their figures when `include_counts` (one grouped query each). */
  async list(caller: AuthUser, query: UnitListQuery): Promise<Page<D>> {
    const { alias } = this.kind;
    const qb = this.withManager();
    applyListFilters(qb, alias, query, ['name', 'code']);
    if (query.manager_id) {
      qb.andWhere(`${alias}.manager_id = :managerId`, { managerId: query.manager_id });
    }
    applyListSort(qb, alias, query.sort_by ?? 'name', query.sort_order);
    const { skip, take } = pageWindow(query);
    const [units, total] = await qb.offset(skip).limit(take).getManyAndCount();
    const counts = query.include_counts
      ? await this.countsBy(
          caller,
          units.map((unit) => unit.id),
        )
      : undefined;
    return pageOf(
      units.map((unit) => this.kind.toDto(unit, counts?.get(unit.id))),
      total,
      query,
    );
  }

  /** Every active unit, by name (for pickers). */
  async listActive(): Promise<D[]> {
    const qb = this.withManager().where(`${this.kind.alias}.is_active = true`);
    const units = await applyListSort(qb, this.kind.alias, 'name').getMany();
    return units.map((unit) => this.kind.toDto(unit));
  }

  /** `{total, active, inactive}`, in one query. */
  async totals(): Promise<OrgTotalsDto> {
    const row = await this.repository
      .createQueryBuilder('t')
      .select('count(*)::int', 'total')
      .addSelect('(count(*) FILTER (WHERE t.is_active))::int', 'active')
      .getRawOne<{ total: number; active: number }>();
    const { total, active } = row ?? { total: 0, active: 0 };
    return { total, active, inactive: total - active };
  }

  /** The unit, with the users in it that the caller may list. */
  async get(caller: AuthUser, id: string): Promise<D> {
    const unit = await this.find(id);
    const counts = await countUsersOf(
      this.txHost.tx,
      this.kind.column,
      id,
      listableUsersOf(caller),
    );
    return this.kind.toDto(unit, counts);
  }

  /** The unit with its manager's summary (only the columns shown); 404 when missing. */
  protected async find(id: string): Promise<E> {
    const unit = await this.withManager().where(`${this.kind.alias}.id = :id`, { id }).getOne();
    if (!unit) throw new NotFoundException(this.kind.notFound);
    return unit;
  }

  /** Its users the caller may list, and its applications the caller may read. */
  protected async figures(caller: AuthUser, id: string): Promise<UnitCounts> {
    return (await this.countsBy(caller, [id])).get(id)!;
  }

  /** Its users that the caller may list (GET /users), by name; 404 when the unit is missing. */
  async users(caller: AuthUser, id: string): Promise<OrgMemberDto[]> {
    await this.find(id);
    const users = await usersOf(this.txHost.tx, this.kind.column, id, listableUsersOf(caller));
    return users.map(toMember);
  }

  /**
   * Inserts a unit, audited with `details` (its fields by API name, read from the saved row),
   * in one transaction; a manager must be an active user.
   */
  protected createUnit(
    caller: AuthUser,
    values: DeepPartial<E>,
    details: (unit: E) => Record<string, unknown>,
  ): Promise<D> {
    return this.txHost.withTransaction(async () => {
      if (values.managerId) await this.assertActiveManager(values.managerId as string);
      const unit = await this.repository.save(this.repository.create(values));
      await this.audit.record({
        action: `${this.kind.type}.created`,
        entityType: this.kind.type,
        entityId: unit.id,
        ...this.auditScope(unit.id),
        details: details(unit),
      });
      return this.get(caller, unit.id);
    });
  }

  /**
   * PUT and PATCH: the fields present in `requested` (by API name, mapped by
   * `kind.updatable`) that change the unit are saved and audited; nothing changed writes
   * nothing. A new manager must be an active user.
   */
  update(caller: AuthUser, id: string, requested: object, ifMatch?: IfMatch): Promise<D> {
    return this.txHost.withTransaction(async () => {
      const unit = await this.lock(id, ifMatch);
      const managerId = (requested as { manager_id?: string | null }).manager_id;
      if (managerId && managerId !== unit.managerId) await this.assertActiveManager(managerId);
      const wasActive = unit.isActive;
      const changes = applyFieldChanges(unit, requested, this.kind.updatable);
      if (!isEmpty(changes)) {
        await this.repository.save(unit);
        await this.audit.record({
          action: `${this.kind.type}.updated`,
          entityType: this.kind.type,
          entityId: id,
          ...this.auditScope(id),
          ...statusChange(wasActive, unit.isActive),
          details: changes as Record<string, unknown>,
        });
      }
      return this.get(caller, id);
    });
  }

  /** Activates an inactive unit or deactivates an active one, audited. */
  toggleStatus(caller: AuthUser, id: string, ifMatch?: IfMatch): Promise<D> {
    return this.txHost.withTransaction(async () => {
      const unit = await this.lock(id, ifMatch);
      const wasActive = unit.isActive;
      unit.isActive = !wasActive;
      await this.repository.save(unit);
      await this.audit.record({
        action: `${this.kind.type}.status_changed`,
        entityType: this.kind.type,
        entityId: id,
        ...this.auditScope(id),
        ...statusChange(wasActive, unit.isActive),
        details: { is_active: unit.isActive },
      });
      return this.get(caller, id);
    });
  }

  /**
   * Deletes a unit, audited; refused (409, saying how many) while users belong to it, as they
   * must be moved first, or while applications or customers keep it.
   */
  remove(id: string, ifMatch?: IfMatch): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const unit = await this.lock(id, ifMatch);
      const { user_count } = await countUsersOf(this.txHost.tx, this.kind.column, id, EVERY_USER);
      if (user_count > 0) throw stillReferenced(user_count, ...this.kind.membership);
      await this.assertNoRecordsMadeIn(id);
      await this.repository.delete(id);
      await this.audit.record({
        action: `${this.kind.type}.deleted`,
        entityType: this.kind.type,
        entityId: id,
        ...this.auditScope(id),
        details: { name: unit.name, code: unit.code },
      });
    });
  }

  /** Users (all, and active) the caller may list and applications the caller may read, per unit. */
  private async countsBy(caller: AuthUser, unitIds: string[]): Promise<Map<string, UnitCounts>> {
    return unitCountsBy(
      this.txHost.tx,
      this.records.applications,
      this.kind.column,
      unitIds,
      caller,
    );
  }

  /** The row locked for this transaction, checked against If-Match (412 when stale). */
  private async lock(id: string, ifMatch: IfMatch | undefined): Promise<E> {
    const unit = await this.repository.findOne({
      where: { id } as FindOptionsWhere<E>,
      lock: { mode: 'pessimistic_write' },
    });
    if (!unit) throw new NotFoundException(this.kind.notFound);
    assertIfMatch(ifMatch, unit.version);
    return unit;
  }

  /** Units with their manager's summary (only the columns shown). */
  private withManager() {
    const { alias } = this.kind;
    return this.repository
      .createQueryBuilder(alias)
      .leftJoin(`${alias}.manager`, 'm')
      .addSelect(['m.id', 'm.username', 'm.firstName', 'm.lastName', 'm.email']);
  }

  /** A unit's own audit events name it as their branch or department, for scoped reading. */
  private auditScope(id: string): Pick<AuditRecord, 'branchId' | 'departmentId'> {
    return this.kind.column === 'branch_id' ? { branchId: id } : { departmentId: id };
  }

  /**
   * A unit's manager must be an existing, active user; otherwise 422 naming `manager_id`
   * (rather than the bare foreign-key refusal, which cannot see the status).
   */
  private async assertActiveManager(userId: string): Promise<void> {
    const status = await userStatusOf(this.txHost.tx, userId);
    if (status !== 'active') {
      const msg = status ? 'refers to an inactive user' : 'refers to a user that does not exist';
      throw new ValidationProblem([{ loc: ['body', 'manager_id'], msg, type: 'manager' }]);
    }
  }

  /**
   * Applications and customers keep the unit they were made in (for scope and history), so a
   * unit that has any cannot go: 409 saying so, and to deactivate it instead.
   */
  private async assertNoRecordsMadeIn(id: string): Promise<void> {
    const applications = await this.records.applications.countMadeIn(this.kind.column, id);
    const customers = await this.records.customers.countMadeIn(this.kind.column, id);
    if (applications === 0 && customers === 0) return;
    const made = [
      applications > 0
        ? `${applications} customer application${applications === 1 ? '' : 's'}`
        : '',
      customers > 0 ? `${customers} customer${customers === 1 ? '' : 's'}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    const one = applications + customers === 1;
    throw new ProblemException(
      HttpStatus.CONFLICT,
      `${made} ${one ? 'was' : 'were'} recorded in this ${this.kind.type} and ${one ? 'keeps' : 'keep'} it for their history; deactivate it instead (toggle-status).`,
      {
        type: 'still-referenced',
        extensions: { application_count: applications, customer_count: customers },
      },
    );
  }
}
