/**
 * What users asks of the departments, branches and positions a user is placed in, which it
 * cannot read itself (they import users, not the other way round): whether an id names one
 * (a user's `department_id`, `branch_id` or `position_id` must; else 422 on that field), and
 * whether the user manages one (a unit's manager is not deleted but deactivated, as its
 * foreign key would only clear the manager). Each module provides its token; app.module.ts
 * wires them (`UsersModule.forRoot`).
 */
export interface PlacementForUsers {
  /** Whether a row with this id exists. Runs in the caller's transaction. */
  exists(id: string): Promise<boolean>;
}

export interface UnitForUsers extends PlacementForUsers {
  /** Whether the user manages a unit of this kind. Runs in the caller's transaction. */
  managedBy(userId: string): Promise<boolean>;
}

/** A `UnitForUsers` over departments. */
export const DEPARTMENTS_FOR_USERS = Symbol('DepartmentsForUsers');
/** A `UnitForUsers` over branches. */
export const BRANCHES_FOR_USERS = Symbol('BranchesForUsers');
/** A `PlacementForUsers` over positions. */
export const POSITIONS_FOR_USERS = Symbol('PositionsForUsers');
