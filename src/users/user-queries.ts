/**
 * Read-only queries over the users table that other modules ask (STYLE.md "Boundaries": a
 * module owns its tables; others call what it exports): the members and head counts of a
 * department, branch or position, a unit manager's status, the caller behind a session, the
 * user who signs in, summaries of people an application names, and the managers who may review. Plain functions over the caller's EntityManager, so they run in the
 * caller's transaction.
 */
import { type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import type { Role } from '../common/auth/permissions';
import type { UserView } from './dto/user-response.dto';
import { User, type UserStatus } from './user.entity';
import { type ListableUsers, userScopeCondition } from './user-rules';

/** The users column that ties a user to an organisation unit. */
export type UnitColumn = 'department_id' | 'branch_id' | 'position_id';

export interface UserCounts {
  user_count: number;
  active_user_count: number;
}

const NO_USERS: UserCounts = { user_count: 0, active_user_count: 0 };

/** Every user, for the organisation's own checks (a unit still referenced cannot be deleted). */
export const EVERY_USER: ListableUsers = { kind: 'all' };

/** Users of the units, limited to `scope` (the users the caller may list). */
function membersOf(
  manager: EntityManager,
  column: UnitColumn,
  unitIds: string[],
  scope: ListableUsers,
) {
  const qb = manager
    .getRepository(User)
    .createQueryBuilder('u')
    .where(`u.${column} IN (:...unitIds)`, { unitIds });
  const condition = userScopeCondition(scope, 'u');
  if (condition) qb.andWhere(condition.sql, condition.params);
  return qb;
}

/**
 * Users (all, and active) per unit for a whole page of units, in one grouped query, counting
 * only the users in `scope`. Units without such users are absent from the map; read them
 * with `countsFor`.
 */
export async function countUsersBy(
  manager: EntityManager,
  column: UnitColumn,
  unitIds: string[],
  scope: ListableUsers,
): Promise<Map<string, UserCounts>> {
  if (unitIds.length === 0 || scope.kind === 'none') return new Map();
  const rows = await membersOf(manager, column, unitIds, scope)
    .select(`u.${column}`, 'unit_id')
    .addSelect('count(*)::int', 'user_count')
    .addSelect(`(count(*) FILTER (WHERE u.status = 'active'))::int`, 'active_user_count')
    .groupBy(`u.${column}`)
    .getRawMany<UserCounts & { unit_id: string }>();
  return new Map(
    rows.map((row) => [
      row.unit_id,
      { user_count: row.user_count, active_user_count: row.active_user_count },
    ]),
  );
}

export function countsFor(counts: Map<string, UserCounts>, unitId: string): UserCounts {
  return counts.get(unitId) ?? NO_USERS;
}

/** The counts of one unit, over the users in `scope`. */
export async function countUsersOf(
  manager: EntityManager,
  column: UnitColumn,
  unitId: string,
  scope: ListableUsers,
): Promise<UserCounts> {
  return countsFor(await countUsersBy(manager, column, [unitId], scope), unitId);
}

/** The users of one unit that are in `scope`, by name. */
export async function usersOf(
  manager: EntityManager,
  column: UnitColumn,
  unitId: string,
  scope: ListableUsers,
): Promise<User[]> {
  if (scope.kind === 'none') return [];
  return membersOf(manager, column, [unitId], scope)
    .select(['u.id', 'u.username', 'u.firstName', 'u.lastName', 'u.email', 'u.role', 'u.status'])
    .orderBy('lower(u.first_name)')
    .addOrderBy('lower(u.last_name)')
    .addOrderBy('u.id')
    .getMany();
}

/** The distinct branches (ids) where the users of a department work. */
export async function branchIdsOfMembers(
  manager: EntityManager,
  departmentId: string,
): Promise<string[]> {
  const rows = await manager
    .getRepository(User)
    .createQueryBuilder('u')
    .select('DISTINCT u.branch_id', 'branch_id')
    .where('u.department_id = :departmentId AND u.branch_id IS NOT NULL', { departmentId })
    .getRawMany<{ branch_id: string }>();
  return rows.map((row) => row.branch_id);
}

/** A user's status, or undefined when there is no such user. */
export async function userStatusOf(
  manager: EntityManager,
  userId: string,
): Promise<UserStatus | undefined> {
  const user = await manager
    .getRepository(User)
    .findOne({ where: { id: userId }, select: { id: true, status: true } });
  return user?.status;
}

/** What the guards need of the caller: an active user, by primary key. */
export interface ActiveUser {
  id: string;
  username: string;
  role: Role;
  branchId: string | null;
  departmentId: string | null;
}

/**
 * An active user by primary key, when `condition` also holds: SQL over the user's id column
 * (`$1`), with its own `parameters` numbered from `$2` (the caller's lookup adds that its
 * session is open). Plain SQL: it runs on every authenticated request, and the query builder
 * costs more than it.
 */
export async function activeUserById(
  manager: EntityManager,
  userId: string,
  condition?: { sql: (userIdColumn: string) => string; parameters: unknown[] },
): Promise<ActiveUser | undefined> {
  const rows: ActiveUser[] = await manager.query(
    `SELECT id, username, role, branch_id AS "branchId", department_id AS "departmentId"
       FROM users u WHERE u.id = $1 AND u.status = 'active'
       ${condition ? `AND ${condition.sql('u.id')}` : ''}`,
    [userId, ...(condition?.parameters ?? [])],
  );
  return rows[0];
}

/**
 * A user with the department, branch and position their record shows, found by primary key
 * or, for signing in, by username or email ignoring case (`name` already lower-cased).
 */
export function userWithUnits(
  manager: EntityManager,
  by: { id: string } | { loginName: string },
): Promise<User | null> {
  const qb = manager
    .getRepository(User)
    .createQueryBuilder('user')
    .leftJoinAndSelect('user.department', 'department')
    .leftJoinAndSelect('user.branch', 'branch')
    .leftJoinAndSelect('user.position', 'position');
  return 'id' in by
    ? qb.where('user.id = :id', { id: by.id }).getOne()
    : qb
        .where('lower(user.username) = :name OR lower(user.email) = :name', { name: by.loginName })
        .getOne();
}

/** Whether any user exists (the first-admin set-up is open while none does). */
export function anyUserExists(manager: EntityManager): Promise<boolean> {
  return manager.getRepository(User).exists();
}

/** A user as other modules need them: who they are, their role, status and place. */
export type UserSummary = Pick<
  User,
  | 'id'
  | 'username'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phoneNumber'
  | 'role'
  | 'status'
  | 'branchId'
  | 'departmentId'
>;

const SUMMARY = {
  id: true,
  username: true,
  firstName: true,
  lastName: true,
  email: true,
  phoneNumber: true,
  role: true,
  status: true,
  branchId: true,
  departmentId: true,
} as const;

/** The users with these ids (those that exist), in no particular order. */
export function findUserSummaries(
  manager: EntityManager,
  ids: readonly string[],
): Promise<UserSummary[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return manager
    .getRepository(User)
    .find({ select: SUMMARY, where: { id: In([...new Set(ids)]) } });
}

/** The user with this id, or null. */
export async function findUserSummary(
  manager: EntityManager,
  id: string,
): Promise<UserSummary | null> {
  return (await findUserSummaries(manager, [id]))[0] ?? null;
}

/** A manager who may be given an application to review. */
export type ManagerPlace = Pick<User, 'id' | 'branchId' | 'departmentId'>;

/** The active managers, except `excludedIds` (those barred from an application). */
export function findActiveManagers(
  manager: EntityManager,
  excludedIds: readonly string[],
): Promise<ManagerPlace[]> {
  return manager
    .getRepository(User)
    .createQueryBuilder('u')
    .select(['u.id', 'u.branchId', 'u.departmentId'])
    .where(`u.role = 'manager' AND u.status = 'active'`)
    .andWhere('u.id <> ALL(CAST(:excludedIds AS uuid[]))', { excludedIds })
    .getMany();
}

/**
 * How many users in `scope` (the users list's) last signed in today, the day in `timeZone`
 * (an IANA name, the `timezone` setting) of the database's clock.
 */
export async function countUsersSignedInToday(
  manager: EntityManager,
  scope: ListableUsers,
  timeZone: string,
): Promise<number> {
  if (scope.kind === 'none') return 0;
  const today = `date_trunc('day', now() AT TIME ZONE :timeZone)`;
  const qb = manager
    .getRepository(User)
    .createQueryBuilder('u')
    .select('count(*)::int', 'count')
    .where(`u.last_login_at >= (${today} AT TIME ZONE :timeZone)`, { timeZone })
    .andWhere(`u.last_login_at < ((${today} + interval '1 day') AT TIME ZONE :timeZone)`);
  const condition = userScopeCondition(scope, 'u');
  if (condition) qb.andWhere(condition.sql, condition.params);
  const row = await qb.getRawOne<{ count: number }>();
  return row?.count ?? 0;
}

/** The user columns a user's answer carries (toUserResponse), by property. */
const ANSWER_PROPERTIES = [
  'id',
  'username',
  'email',
  'firstName',
  'lastName',
  'phoneNumber',
  'employeeId',
  'role',
  'status',
  'departmentId',
  'branchId',
  'positionId',
  'profileImageUrl',
  'lastLoginAt',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof User)[];

type AnswerRow = Pick<User, (typeof ANSWER_PROPERTIES)[number]> & {
  /** Null when the join found nothing; the codes are then null too. */
  department_name: string | null;
  department_code: string;
  branch_name: string | null;
  branch_code: string;
  position_name: string | null;
};

/**
 * Reads what a user's answer carries, its department, branch and position joined, as raw rows
 * (`qb` aliases the user `user`; many-to-one joins only, so LIMIT/OFFSET stay exact): a page of
 * users without entity hydration, which cost more than the query.
 */
export async function userAnswers(qb: SelectQueryBuilder<User>): Promise<UserView[]> {
  qb.leftJoin('user.department', 'department')
    .leftJoin('user.branch', 'branch')
    .leftJoin('user.position', 'position')
    .select(ANSWER_PROPERTIES.map((property) => `user.${property} AS "${property}"`))
    .addSelect(['department.name', 'department.code', 'branch.name', 'branch.code'])
    .addSelect('position.name');
  const rows = await qb.getRawMany<AnswerRow>();
  return rows.map(
    ({ department_name, department_code, branch_name, branch_code, position_name, ...user }) => ({
      ...user,
      department:
        user.departmentId && department_name !== null
          ? { id: user.departmentId, name: department_name, code: department_code }
          : null,
      branch:
        user.branchId && branch_name !== null
          ? { id: user.branchId, name: branch_name, code: branch_code }
          : null,
      position:
        user.positionId && position_name !== null
          ? { id: user.positionId, name: position_name }
          : null,
    }),
  );
}
