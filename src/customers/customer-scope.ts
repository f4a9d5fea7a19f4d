/**
 * Which customers a caller may read (SPEC §4). A customer has no single owner: it is visible
 * through its own columns (the branch, department and creator it was registered with) or
 * through any of its applications the caller may see. Pure: the service adds it to its queries.
 * Linking an application to an existing customer has a rule of its own (`linkableCustomerCondition`).
 */
import {
  applicationScopeColumns,
  type RecordScope,
  scopeCondition,
  type SqlCondition,
} from '../common/auth/record-scope';

/**
 * The scope as a condition on customers aliased `alias`; null when the caller sees them all.
 * `exceptApplicationId`: an application that does not count (the one being linked).
 */
export function customerScopeCondition(
  scope: RecordScope,
  alias = 'c',
  exceptApplicationId: string | null = null,
): SqlCondition | null {
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
  const params = { ...own.params, ...viaApplication.params };
  let except = '';
  if (exceptApplicationId) {
    except = ' AND scope_app.id <> :appScopeExcept';
    params.appScopeExcept = exceptApplicationId;
  }
  return {
    sql:
      `(${own.sql} OR EXISTS (SELECT 1 FROM customer_applications scope_app ` +
      `WHERE scope_app.customer_id = ${alias}.id${except} AND ${viaApplication.sql}))`,
    params,
  };
}

/**
 * Which existing customers an application may be linked to by id number (SPEC §4): those the
 * linker may see without counting that application (else the link would grant the sight it
 * needs), and those of the linker's own branch. Null when any may be linked (admins).
 */
export function linkableCustomerCondition(
  scope: RecordScope,
  linkerBranchId: string | null,
  applicationId: string,
  alias = 'c',
): SqlCondition | null {
  const visible = customerScopeCondition(scope, alias, applicationId);
  if (!visible || !linkerBranchId) return visible;
  return {
    sql: `(${alias}.branch_id = :linkerBranch OR ${visible.sql})`,
    params: { ...visible.params, linkerBranch: linkerBranchId },
  };
}
