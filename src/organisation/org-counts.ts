import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth/auth-user';
import {
  applicationScopeColumns,
  type RecordScope,
  recordScopeOf,
  scopeCondition,
} from '../common/auth/record-scope';
import { type ListableUsers, listableUsersOf } from '../users/user-rules';
import { countsFor, countUsersBy, type UnitColumn, type UserCounts } from './org-users';

/**
 * The column that ties users and applications to a department or branch. An application's
 * is copied from its creator, so it stays with the unit it was made in.
 */
export type ApplicationUnitColumn = Extract<UnitColumn, 'department_id' | 'branch_id'>;

export interface UnitCounts extends UserCounts {
  application_count: number;
}

/**
 * Whose eyes a unit's figures are counted with: the users the caller may list (GET /users;
 * none without `users:read`) and the applications the caller may read (SPEC §4).
 */
export interface CountScope {
  users: ListableUsers;
  applications: RecordScope;
}

export function countScopeOf(caller: AuthUser): CountScope {
  return { users: listableUsersOf(caller), applications: recordScopeOf(caller) };
}

/**
 * Applications in `scope` per unit for a whole page of units, in one grouped query; units
 * without any are absent from the map. The indexes customer_applications_department_order_idx
 * and customer_applications_branch_order_idx start with the unit column, and the scope's
 * owner and reviewer terms have customer_applications_user_order_idx and
 * customer_applications_reviewer_status_idx, so this reads indexes whatever the caller.
 */
export async function countApplicationsBy(
  manager: EntityManager,
  column: ApplicationUnitColumn,
  unitIds: string[],
  scope: RecordScope,
): Promise<Map<string, number>> {
  if (unitIds.length === 0) return new Map();
  const qb = manager
    .createQueryBuilder()
    .select(`a.${column}`, 'unit_id')
    .addSelect('count(*)::int', 'application_count')
    .from('customer_applications', 'a')
    .where(`a.${column} IN (:...unitIds)`, { unitIds })
    .groupBy(`a.${column}`);
  const condition = scopeCondition(scope, applicationScopeColumns('a'));
  if (condition) qb.andWhere(condition.sql, condition.params);
  const rows = await qb.getRawMany<{ unit_id: string; application_count: number }>();
  return new Map(rows.map((row) => [row.unit_id, row.application_count]));
}

/**
 * Users (all, and active) and applications of each unit of a page, as `scope` sees them: two
 * grouped queries (one when the caller may list no users).
 */
export async function unitCountsBy(
  manager: EntityManager,
  column: ApplicationUnitColumn,
  unitIds: string[],
  scope: CountScope,
): Promise<Map<string, UnitCounts>> {
  const users = await countUsersBy(manager, column, unitIds, scope.users);
  const applications = await countApplicationsBy(manager, column, unitIds, scope.applications);
  return new Map(
    unitIds.map((id) => [
      id,
      { ...countsFor(users, id), application_count: applications.get(id) ?? 0 },
    ]),
  );
}

/** The counts of one unit, as `scope` sees them. */
export async function unitCountsOf(
  manager: EntityManager,
  column: ApplicationUnitColumn,
  unitId: string,
  scope: CountScope,
): Promise<UnitCounts> {
  return (await unitCountsBy(manager, column, [unitId], scope)).get(unitId)!;
}
