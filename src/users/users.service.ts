import { HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { type AuditActor, AuditService } from '../audit/audit.service';
import { LoginAttemptsService } from '../credentials/login-attempts.service';
import { PasswordHasher } from '../credentials/password-hasher';
import { passwordProblems } from '../credentials/password-policy';
import { PasswordRulesService } from '../credentials/password-rules.service';
import { SessionsService } from '../credentials/sessions.service';
import type { AuthUser } from '../common/auth/auth-user';
import { ROLES } from '../common/auth/permissions';
import { assertIfMatch, type IfMatch } from '../common/http/etag';
import { filterUpdatedSince, orderByUpdatedAt } from '../common/http/list-query';
import { type Page, pageOf, pageWindow } from '../common/http/pagination';
import { ProblemException, ValidationProblem } from '../common/http/problem';
import type { ChangePasswordDto } from './dto/change-password.dto';
import type { CreateUserDto } from './dto/create-user.dto';
import type { ListUsersQuery } from './dto/list-users.query';
import type { UpdateProfileDto } from './dto/update-profile.dto';
import type { UpdateUserDto } from './dto/update-user.dto';
import {
  toUserResponse,
  type UserDeactivatedDto,
  type UserResponseDto,
  type UserStatsDto,
} from './dto/user-response.dto';
import { SettingsService } from '../settings/settings.service';
import { User } from './user.entity';
import { escapeLike } from '../common/escape-like';
import { changedValues, changesOf } from '../common/changes';
import { type ColumnChanges, changesForAudit } from './user-changes';
import {
  branchForNewUser,
  canSee,
  createRefusal,
  deactivatedInsteadDetail,
  deleteRefusal,
  listableUsersOf,
  manageRefusal,
  type Refusal,
  requestedStatus,
  updateRefusal,
  userScopeCondition,
} from './user-rules';
import { type Placement, UserReferences } from './user-references';
import { userAnswers, userWithUnits } from './user-queries';

/** The first-admin set-up has no caller: its audit event names no actor. */
const NO_ACTOR: AuditActor = { id: null, name: null, role: null };

/** The sync order's columns, as property paths: `user` is a reserved word, which TypeORM quotes. */
const SYNC_COLUMNS = { updatedAt: 'user.updatedAt', id: 'user.id' };

const RELATIONS = { department: true, branch: true, position: true } as const;

/**
 * Users: the use cases of SPEC §7 "Users", with the object-level rules of user-rules.ts.
 * Each change runs in one transaction with its audit events (and session revocations).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly passwordRules: PasswordRulesService,
    private readonly sessions: SessionsService,
    private readonly loginAttempts: LoginAttemptsService,
    private readonly settings: SettingsService,
    private readonly references: UserReferences,
  ) {}

  private get users() {
    return this.txHost.tx.getRepository(User);
  }

  // --- reads ---------------------------------------------------------------------------------

  async list(actor: AuthUser, query: ListUsersQuery): Promise<Page<UserResponseDto>> {
    const page = this.filteredUsers(actor, query);
    if (query.sort_by === 'updated_at') orderByUpdatedAt(page, SYNC_COLUMNS);
    else page.orderBy('user.createdAt', 'DESC').addOrderBy('user.id', 'DESC');
    const { skip, take } = pageWindow(query);
    const [users, total] = await Promise.all([
      userAnswers(page.offset(skip).limit(take)),
      this.filteredUsers(actor, query)
        .select('count(*)::int', 'total')
        .getRawOne<{ total: number }>()
        .then((row) => row?.total ?? 0),
    ]);
    return pageOf(users.map(toUserResponse), total, query);
  }

  /** The users the actor may list passing the list's filters (alias `user`, no joins). */
  private filteredUsers(actor: AuthUser, query: ListUsersQuery): SelectQueryBuilder<User> {
    const qb = this.users.createQueryBuilder('user');
    this.applyScope(qb, actor);
    if (query.search) {
      const pattern = `%${escapeLike(query.search)}%`;
      qb.andWhere(
        new Brackets((where) =>
          where
            .where('user.username ILIKE :pattern')
            .orWhere('user.email ILIKE :pattern')
            .orWhere('user.firstName ILIKE :pattern')
            .orWhere('user.lastName ILIKE :pattern')
            .orWhere(`(user.firstName || ' ' || user.lastName) ILIKE :pattern`),
        ),
        { pattern },
      );
    }
    if (query.role) qb.andWhere('user.role = :role', { role: query.role });
    if (query.status) qb.andWhere('user.status = :status', { status: query.status });
    if (query.department_id) {
      qb.andWhere('user.departmentId = :departmentId', { departmentId: query.department_id });
    }
    if (query.branch_id) qb.andWhere('user.branchId = :branchId', { branchId: query.branch_id });
    if (query.position_id) {
      qb.andWhere('user.positionId = :positionId', { positionId: query.position_id });
    }
    filterUpdatedSince(qb, SYNC_COLUMNS, query);
    return qb;
  }

  async stats(actor: AuthUser): Promise<UserStatsDto> {
    const byBranch = this.users
      .createQueryBuilder('user')
      .leftJoin('user.branch', 'branch')
      .select('user.branchId', 'branch_id')
      .addSelect('branch.name', 'name')
      .addSelect('count(*)::int', 'count')
      .groupBy('user.branchId')
      .addGroupBy('branch.name')
      .orderBy('count', 'DESC')
      .addOrderBy('branch.name', 'ASC', 'NULLS LAST');
    this.applyScope(byBranch, actor);
    const [counts, branches] = await Promise.all([
      this.counts(actor),
      byBranch.getRawMany<{ branch_id: string | null; name: string | null; count: number }>(),
    ]);
    return { ...counts, by_branch: branches };
  }

  /**
   * The users in the actor's scope by status and role: `GET /users/stats` without `by_branch`,
   * also the dashboard's `users` (all 0 for an actor without `users:read`).
   */
  async counts(actor: AuthUser): Promise<Omit<UserStatsDto, 'by_branch'>> {
    const totals = this.users
      .createQueryBuilder('user')
      .select('count(*)::int', 'total')
      .addSelect(`count(*) FILTER (WHERE user.status = 'active')::int`, 'active');
    for (const role of ROLES) {
      totals.addSelect(`count(*) FILTER (WHERE user.role = '${role}')::int`, role);
    }
    this.applyScope(totals, actor);
    const row = await totals.getRawOne<Record<string, number>>();
    const total = row?.total ?? 0;
    const active = row?.active ?? 0;
    return {
      total,
      active,
      inactive: total - active,
      by_role: {
        admin: row?.admin ?? 0,
        manager: row?.manager ?? 0,
        officer: row?.officer ?? 0,
        viewer: row?.viewer ?? 0,
      },
    };
  }

  async findOne(actor: AuthUser, id: string): Promise<UserResponseDto> {
    // One query (findOne with relations adds a DISTINCT ... LIMIT 1 query before it).
    const user = await userWithUnits(this.txHost.tx, { id });
    if (!user || !canSee(actor, user)) throw notFound();
    return toUserResponse(user);
  }

  async me(actor: AuthUser): Promise<UserResponseDto> {
    return this.findOne(actor, actor.id);
  }

  // --- create and update ---------------------------------------------------------------------

  /**
   * A new user. `actor === null` is the first-admin set-up: no manager rules, but the password
   * rules, uniqueness and the audit event (with no actor) all apply.
   */
  async create(input: CreateUserDto, actor: AuthUser | null): Promise<UserResponseDto> {
    const status = this.statusOf(input.status, input.is_active) ?? 'active';
    const role = input.role ?? (await this.settings.get('default_user_role'));
    const branchId = branchForNewUser(actor, input.branch_id);
    this.refuse(createRefusal(actor, role, branchId, status));
    await this.assertPasswordAcceptable(input.password, 'password');
    const passwordHash = await this.hasher.hash(input.password);
    return this.txHost.withTransaction(async () => {
      await this.assertReferencesExist({
        department_id: input.department_id,
        branch_id: branchId,
        position_id: input.position_id,
      });
      const user = await this.users.save(
        this.users.create({
          username: input.username,
          email: input.email,
          passwordHash,
          firstName: input.first_name,
          lastName: input.last_name,
          phoneNumber: input.phone_number ?? null,
          employeeId: input.employee_id ?? null,
          role,
          status,
          departmentId: input.department_id ?? null,
          branchId,
          positionId: input.position_id ?? null,
          profileImageUrl: input.profile_image_url ?? null,
        }),
      );
      await this.audit.record({
        ...auditTarget(user),
        action: 'user.created',
        toStatus: status,
        details: { username: user.username, role, ...(actor ? {} : { first_admin: true }) },
        ...(actor ? {} : { actor: NO_ACTOR }),
      });
      return this.responseFor(user.id);
    });
  }

  /** PUT and PATCH /users/{id}: only the fields present change. */
  async update(
    actor: AuthUser,
    id: string,
    input: UpdateUserDto,
    ifMatch?: IfMatch,
  ): Promise<UserResponseDto> {
    const status = this.statusOf(input.status, input.is_active);
    return this.txHost.withTransaction(async () => {
      const user = await this.lockVisible(actor, id);
      assertIfMatch(ifMatch, user.version);
      this.refuse(
        updateRefusal(actor, user, {
          role: input.role,
          branchId: input.branch_id,
          status,
          password: input.password !== undefined,
        }),
      );
      const changes: ColumnChanges = changesOf(user, {
        username: input.username,
        email: input.email,
        firstName: input.first_name,
        lastName: input.last_name,
        phoneNumber: input.phone_number,
        employeeId: input.employee_id,
        role: input.role,
        status,
        departmentId: input.department_id,
        branchId: input.branch_id,
        positionId: input.position_id,
        profileImageUrl: input.profile_image_url,
      });
      await this.assertReferencesExist({
        department_id: changes.departmentId?.to,
        branch_id: changes.branchId?.to,
        position_id: changes.positionId?.to,
      });
      let passwordHash: string | undefined;
      if (input.password !== undefined) {
        await this.assertPasswordAcceptable(input.password, 'password');
        passwordHash = await this.hasher.hash(input.password);
      }
      await this.applyChanges(user, changes, passwordHash);
      const after = { ...user, ...changedValues(changes) };
      const deactivated = changes.status?.to === 'inactive';
      // Either ends every session of theirs: one revocation, reported in each event.
      const revoked =
        deactivated || passwordHash
          ? await this.sessions.revokeAllForUser(
              id,
              deactivated ? 'user_deactivated' : 'password_set',
            )
          : 0;
      await this.auditUpdate(after, changes, revoked);
      if (passwordHash) {
        await this.audit.record({
          ...auditTarget(after),
          action: 'user.password_set',
          details: { sessions_revoked: revoked },
        });
      }
      return this.responseFor(id);
    });
  }

  /** PATCH /users/me: names, phone, email and profile image of the caller. */
  async updateProfile(
    actor: AuthUser,
    input: UpdateProfileDto,
    ifMatch?: IfMatch,
  ): Promise<UserResponseDto> {
    return this.txHost.withTransaction(async () => {
      const user = await this.lockVisible(actor, actor.id);
      assertIfMatch(ifMatch, user.version);
      const changes: ColumnChanges = changesOf(user, {
        firstName: input.first_name,
        lastName: input.last_name,
        phoneNumber: input.phone_number,
        email: input.email,
        profileImageUrl: input.profile_image_url,
      });
      await this.applyChanges(user, changes);
      await this.auditUpdate({ ...user, ...changedValues(changes) }, changes, 0);
      return this.responseFor(user.id);
    });
  }

  /**
   * PATCH /users/me/change-password: the current password must be right (else 422 on
   * `old_password`); the caller's other sessions end, the current one goes on.
   */
  async changePassword(actor: AuthUser, input: ChangePasswordDto): Promise<void> {
    await this.txHost.withTransaction(async () => {
      const user = await this.lockVisible(actor, actor.id);
      if (!(await this.hasher.verify(input.old_password, user.passwordHash))) {
        throw new ValidationProblem([
          {
            loc: ['body', 'old_password'],
            msg: 'is not your current password',
            type: 'invalid_password',
          },
        ]);
      }
      if (input.new_password === input.old_password) {
        throw new ValidationProblem([
          {
            loc: ['body', 'new_password'],
            msg: 'must differ from the current password',
            type: 'password_reused',
          },
        ]);
      }
      await this.assertPasswordAcceptable(input.new_password, 'new_password');
      await this.users.update(user.id, {
        passwordHash: await this.hasher.hash(input.new_password),
      });
      const revoked = await this.sessions.revokeAllForUser(
        user.id,
        'password_changed',
        actor.sessionId,
      );
      await this.audit.record({
        ...auditTarget(user),
        action: 'user.password_changed',
        details: { other_sessions_revoked: revoked },
      });
    });
  }

  // --- delete and operator actions ----------------------------------------------------------

  /**
   * Deletes a user who owns no records (undefined: answer 204). One who owns records is
   * deactivated instead, their sessions end, and the answer says so.
   */
  async remove(actor: AuthUser, id: string): Promise<UserDeactivatedDto | undefined> {
    return this.txHost.withTransaction(async () => {
      const user = await this.lockVisible(actor, id);
      this.refuse(deleteRefusal(actor, user));
      const owned = await this.references.ownedRecordKinds(id);
      if (owned.length === 0) {
        await this.users.delete(id);
        await this.audit.record({
          ...auditTarget(user),
          action: 'user.deleted',
          fromStatus: user.status,
          details: { username: user.username, email: user.email, role: user.role },
        });
        return undefined;
      }
      if (user.status !== 'inactive') await this.users.update(id, { status: 'inactive' });
      const revoked = await this.sessions.revokeAllForUser(id, 'user_deactivated');
      await this.audit.record({
        ...auditTarget(user),
        action: 'user.deactivated',
        fromStatus: user.status,
        toStatus: 'inactive',
        details: {
          reason: 'delete_requested_owns_records',
          owned_records: owned,
          sessions_revoked: revoked,
        },
      });
      return { id, status: 'inactive', detail: deactivatedInsteadDetail(user.username, owned) };
    });
  }

  /** POST /users/{id}/unlock: forgets the failed logins counted against the account. */
  async unlock(actor: AuthUser, id: string): Promise<void> {
    await this.txHost.withTransaction(async () => {
      const user = await this.lockVisible(actor, id);
      this.refuse(manageRefusal(actor, user));
      const cleared = await this.loginAttempts.resetAccount(user.id);
      await this.audit.record({
        ...auditTarget(user),
        action: 'user.unlocked',
        details: { failures_cleared: cleared },
      });
    });
  }

  /** DELETE /users/{id}/sessions: every session of the user ends at once. */
  async revokeSessions(actor: AuthUser, id: string): Promise<void> {
    await this.txHost.withTransaction(async () => {
      const user = await this.lockVisible(actor, id);
      this.refuse(manageRefusal(actor, user));
      const revoked = await this.sessions.revokeAllForUser(id, 'revoked_by_operator');
      await this.audit.record({
        ...auditTarget(user),
        action: 'user.sessions_revoked',
        details: { sessions_revoked: revoked },
      });
    });
  }

  /** Signing in (the auth module): stamps the user's last login; returns its time. */
  async recordLogin(userId: string): Promise<Date> {
    const at = new Date();
    await this.users.update(userId, { lastLoginAt: at });
    return at;
  }

  // --- helpers -------------------------------------------------------------------------------

  private applyScope(qb: SelectQueryBuilder<User>, actor: AuthUser): void {
    const condition = userScopeCondition(listableUsersOf(actor), 'user');
    if (condition) qb.andWhere(condition.sql, condition.params);
  }

  /** The user's row, locked for the transaction; 404 when missing or out of the actor's scope. */
  private async lockVisible(actor: AuthUser, id: string): Promise<User> {
    const user = await this.users.findOne({
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!user || !canSee(actor, user)) throw notFound();
    return user;
  }

  private async responseFor(id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.users.findOneOrFail({ where: { id }, relations: RELATIONS }));
  }

  private async applyChanges(
    user: User,
    changes: ColumnChanges,
    passwordHash?: string,
  ): Promise<void> {
    const values: Partial<User> = changedValues(changes);
    if (passwordHash) values.passwordHash = passwordHash;
    // The update query bumps version and updated_at itself.
    if (Object.keys(values).length) await this.users.update(user.id, values);
  }

  /** user.role_changed, user.deactivated, and user.updated for every other change. */
  private async auditUpdate(user: User, changes: ColumnChanges, revoked: number): Promise<void> {
    const { role, status, ...others } = changes;
    if (role) {
      await this.audit.record({
        ...auditTarget(user),
        action: 'user.role_changed',
        details: { from: role.from, to: role.to },
      });
    }
    if (status?.to === 'inactive') {
      await this.audit.record({
        ...auditTarget(user),
        action: 'user.deactivated',
        fromStatus: status.from,
        toStatus: status.to,
        details: { sessions_revoked: revoked },
      });
    }
    const reactivated = status?.to === 'active';
    if (Object.keys(others).length || reactivated) {
      await this.audit.record({
        ...auditTarget(user),
        action: 'user.updated',
        ...(reactivated ? { fromStatus: status.from, toStatus: status.to } : {}),
        details: { changes: changesForAudit(reactivated ? { ...others, status } : others) },
      });
    }
  }

  private statusOf(status: User['status'] | undefined, isActive: boolean | undefined) {
    const requested = requestedStatus(status, isActive);
    this.refuse(requested.refusal);
    return requested.status;
  }

  private refuse(refusal: Refusal | undefined): void {
    if (!refusal) return;
    if (refusal.status === 422) {
      throw new ValidationProblem(
        [{ loc: ['body', refusal.field ?? 'body'], msg: refusal.detail, type: 'value_error' }],
        refusal.detail,
      );
    }
    throw new ProblemException(refusal.status, refusal.detail, {
      type: refusal.status === HttpStatus.FORBIDDEN ? 'forbidden' : 'conflict',
    });
  }

  /** 422 listing each password rule not met, under `field`. */
  private async assertPasswordAcceptable(password: string, field: string): Promise<void> {
    const problems = passwordProblems(password, await this.passwordRules.current());
    if (!problems.length) return;
    throw new ValidationProblem(
      problems.map((msg) => ({ loc: ['body', field], msg, type: 'password_rule' })),
      `The ${field.replace('_', ' ')} does not follow the password rules: it ${problems.join('; it ')}.`,
    );
  }

  /** Each unit given (not null/undefined) must exist: else 422 on its field. */
  private async assertReferencesExist(placement: Placement): Promise<void> {
    const errors = await this.references.missingPlacements(placement);
    if (errors.length) throw new ValidationProblem(errors);
  }
}

function notFound(): NotFoundException {
  return new NotFoundException('User not found.');
}

/** The audit columns that place an event on a user (for scoped reading of the trail). */
function auditTarget(user: Pick<User, 'id' | 'branchId' | 'departmentId'>) {
  return {
    entityType: 'user',
    entityId: user.id,
    branchId: user.branchId,
    departmentId: user.departmentId,
  };
}
