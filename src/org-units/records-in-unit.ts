import type { AuthUser } from '../common/auth/auth-user';

/**
 * What departments and branches ask of the workflow about the records made in them, which
 * they cannot read themselves (the workflow imports them, not the other way round): their
 * figures (applications the caller may read) and the refusal to delete a unit that keeps
 * records for their history. The applications and customers modules provide the tokens;
 * app.module.ts wires them (`DepartmentsModule.forRoot`, `BranchesModule.forRoot`).
 */

/**
 * The column that ties applications and customers (and users) to a department or branch. An
 * application's is copied from its creator, so it stays with the unit it was made in.
 */
export type OrgUnitColumn = 'department_id' | 'branch_id';

export interface ApplicationsInUnits {
  /**
   * Applications the caller may read (SPEC §4) per unit, for a whole page of units in one
   * grouped query; units without any are absent from the map.
   */
  countReadableBy(
    column: OrgUnitColumn,
    unitIds: string[],
    caller: AuthUser,
  ): Promise<Map<string, number>>;
  /** Every application made in the unit. Runs in the caller's transaction. */
  countMadeIn(column: OrgUnitColumn, unitId: string): Promise<number>;
}

export const APPLICATIONS_IN_UNITS = Symbol('ApplicationsInUnits');

export interface CustomersInUnits {
  /** Every customer registered in the unit. Runs in the caller's transaction. */
  countMadeIn(column: OrgUnitColumn, unitId: string): Promise<number>;
}

export const CUSTOMERS_IN_UNITS = Symbol('CustomersInUnits');
