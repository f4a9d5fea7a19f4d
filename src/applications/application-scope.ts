/**
 * Which applications a caller may read (SPEC §4): the rule of record-scope.ts applied to the
 * columns of `customer_applications`, whose owner is `user_id` and whose assignee is
 * `assigned_reviewer`. Pure: the queries add it to their SQL, the workflow asks it of one row.
 */
import {
  type RecordScope,
  type ScopeColumns,
  scopeCondition,
  type SqlCondition,
} from '../common/auth/record-scope';

/** The scope columns of applications (`customer_applications`) under an alias. */
export const applicationScopeColumns = (alias: string): ScopeColumns => ({
  branch: `${alias}.branch_id`,
  department: `${alias}.department_id`,
  owner: `${alias}.user_id`,
  assignee: `${alias}.assigned_reviewer`,
});

/** The scope as a condition on applications aliased `alias`; null when the caller sees all. */
export function applicationScopeCondition(
  scope: RecordScope,
  alias: string,
  prefix?: string,
): SqlCondition | null {
  return scopeCondition(scope, applicationScopeColumns(alias), prefix);
}

/** The columns of an application that its scope looks at. */
export interface ApplicationScopeFields {
  userId: string;
  assignedReviewer: string | null;
  branchId: string | null;
  departmentId: string | null;
}

/** Whether one application is in the scope (the same rule as the SQL condition, in memory). */
export function isApplicationInScope(scope: RecordScope, row: ApplicationScopeFields): boolean {
  if (scope.kind === 'all') return true;
  return (
    row.userId === scope.userId ||
    row.assignedReviewer === scope.userId ||
    (scope.branchId !== null && row.branchId === scope.branchId) ||
    (scope.departmentId !== null && row.departmentId === scope.departmentId)
  );
}

/**
 * The condition that the customer aliased `customerAlias` has an application in `scope` (other
 * than `exceptApplicationId`, the one being linked), for the customers' scope
 * (customers/customer-applications.ts). Null when the scope holds every application.
 */
export function customerHasApplicationInScope(
  scope: RecordScope,
  customerAlias: string,
  exceptApplicationId: string | null,
): SqlCondition | null {
  const inScope = applicationScopeCondition(scope, 'scope_app', 'appScope');
  if (!inScope) return null;
  const params = { ...inScope.params };
  let except = '';
  if (exceptApplicationId) {
    except = ' AND scope_app.id <> :appScopeExcept';
    params.appScopeExcept = exceptApplicationId;
  }
  return {
    sql:
      `EXISTS (SELECT 1 FROM customer_applications scope_app ` +
      `WHERE scope_app.customer_id = ${customerAlias}.id${except} AND ${inScope.sql})`,
    params,
  };
}
