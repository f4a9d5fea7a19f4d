import type { EntityManager } from 'typeorm';
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
 * Applications per unit for a whole page of units, in one grouped query; units without
 * applications are absent from the map. The indexes customer_applications_department_order_idx
 * and customer_applications_branch_order_idx start with the column, so this reads an index.
 */
export async function countApplicationsBy(
  manager: EntityManager,
  column: ApplicationUnitColumn,
  unitIds: string[],
): Promise<Map<string, number>> {
  if (unitIds.length === 0) return new Map();
  const rows: { unit_id: string; application_count: number }[] = await manager.query(
    `SELECT ${column} AS unit_id, count(*)::int AS application_count
       FROM customer_applications
      WHERE ${column} = ANY($1::uuid[])
      GROUP BY ${column}`,
    [unitIds],
  );
  return new Map(rows.map((row) => [row.unit_id, row.application_count]));
}

/** Users (all, and active) and applications of each unit of a page: two grouped queries. */
export async function unitCountsBy(
  manager: EntityManager,
  column: ApplicationUnitColumn,
  unitIds: string[],
): Promise<Map<string, UnitCounts>> {
  const users = await countUsersBy(manager, column, unitIds);
  const applications = await countApplicationsBy(manager, column, unitIds);
  return new Map(
    unitIds.map((id) => [
      id,
      { ...countsFor(users, id), application_count: applications.get(id) ?? 0 },
    ]),
  );
}

/** The counts of one unit. */
export async function unitCountsOf(
  manager: EntityManager,
  column: ApplicationUnitColumn,
  unitId: string,
): Promise<UnitCounts> {
  return (await unitCountsBy(manager, column, [unitId])).get(unitId)!;
}
