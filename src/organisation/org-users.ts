import type { EntityManager } from 'typeorm';
import { ValidationProblem } from '../common/http/problem';
import { User } from '../users/user.entity';
import { type ListableUsers, userScopeCondition } from '../users/user-rules';

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

/**
 * A unit's manager must be an existing, active user; otherwise 422 naming `manager_id`
 * (rather than the bare foreign-key refusal, which cannot see the status).
 */
export async function assertActiveManager(manager: EntityManager, userId: string): Promise<void> {
  const user = await manager
    .getRepository(User)
    .findOne({ where: { id: userId }, select: { id: true, status: true } });
  if (!user || user.status !== 'active') {
    const msg = user ? 'refers to an inactive user' : 'refers to a user that does not exist';
    throw new ValidationProblem([{ loc: ['body', 'manager_id'], msg, type: 'manager' }]);
  }
}
