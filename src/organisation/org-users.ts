import type { EntityManager } from 'typeorm';
import { ValidationProblem } from '../common/http/problem';
import { User } from '../users/user.entity';

/** The users column that ties a user to an organisation unit. */
export type UnitColumn = 'department_id' | 'branch_id' | 'position_id';

export interface UserCounts {
  user_count: number;
  active_user_count: number;
}

const NO_USERS: UserCounts = { user_count: 0, active_user_count: 0 };

/**
 * Users (all, and active) per unit for a whole page of units, in one grouped query.
 * Units without users are absent from the map; read them with `countsFor`.
 */
export async function countUsersBy(
  manager: EntityManager,
  column: UnitColumn,
  unitIds: string[],
): Promise<Map<string, UserCounts>> {
  if (unitIds.length === 0) return new Map();
  const rows: (UserCounts & { unit_id: string })[] = await manager.query(
    `SELECT ${column} AS unit_id,
            count(*)::int AS user_count,
            (count(*) FILTER (WHERE status = 'active'))::int AS active_user_count
       FROM users
      WHERE ${column} = ANY($1::uuid[])
      GROUP BY ${column}`,
    [unitIds],
  );
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

/** The counts of one unit. */
export async function countUsersOf(
  manager: EntityManager,
  column: UnitColumn,
  unitId: string,
): Promise<UserCounts> {
  return countsFor(await countUsersBy(manager, column, [unitId]), unitId);
}

/** The users of one unit, by name. */
export function usersOf(manager: EntityManager, column: UnitColumn, unitId: string) {
  return manager
    .getRepository(User)
    .createQueryBuilder('u')
    .select(['u.id', 'u.username', 'u.firstName', 'u.lastName', 'u.email', 'u.role', 'u.status'])
    .where(`u.${column} = :unitId`, { unitId })
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
