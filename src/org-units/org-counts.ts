import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth/auth-user';
import { listableUsersOf } from '../users/user-rules';
import { countsFor, countUsersBy, type UserCounts } from '../users/user-queries';
import type { ApplicationsInUnits, OrgUnitColumn } from './records-in-unit';

export interface UnitCounts extends UserCounts {
  application_count: number;
}

/**
 * The figures of each unit of a page, as the caller may see them: its users the caller may
 * list (GET /users; none without `users:read`) and its applications the caller may read
 * (SPEC §4). Two grouped queries (one when the caller may list no users).
 */
export async function unitCountsBy(
  manager: EntityManager,
  applications: ApplicationsInUnits,
  column: OrgUnitColumn,
  unitIds: string[],
  caller: AuthUser,
): Promise<Map<string, UnitCounts>> {
  const users = await countUsersBy(manager, column, unitIds, listableUsersOf(caller));
  const readable =
    unitIds.length === 0
      ? new Map<string, number>()
      : await applications.countReadableBy(column, unitIds, caller);
  return new Map(
    unitIds.map((id) => [
      id,
      { ...countsFor(users, id), application_count: readable.get(id) ?? 0 },
    ]),
  );
}
