/**
 * Which customers a caller may read (SPEC §4). A customer has no single owner: it is visible
 * through its own columns (the branch, department and creator it was registered with) or
 * through any of its applications the caller may see. Pure: the service adds it to its queries.
 */
import {
  applicationScopeColumns,
  type RecordScope,
  scopeCondition,
  type SqlCondition,
} from '../common/auth/record-scope';

/** The scope as a condition on customers aliased `alias`; null when the caller sees them all. */
export function customerScopeCondition(scope: RecordScope, alias = 'c'): SqlCondition | null {
  const own = scopeCondition(
    scope,
    {
      branch: `${alias}.branch_id`,
      department: `${alias}.department_id`,
      owner: `${alias}.created_by`,
    },
    'customerScope',
  );
  const viaApplication = scopeCondition(scope, applicationScopeColumns('scope_app'), 'appScope');
  if (!own || !viaApplication) return null;
  return {
    sql:
      `(${own.sql} OR EXISTS (SELECT 1 FROM customer_applications scope_app ` +
      `WHERE scope_app.customer_id = ${alias}.id AND ${viaApplication.sql}))`,
    params: { ...own.params, ...viaApplication.params },
  };
}
