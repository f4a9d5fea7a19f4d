/**
 * Which customers a caller may read (SPEC §4). A customer has no single owner: it is visible
 * through its own columns (the branch, department and creator it was registered with) or
 * through any of its applications the caller may see (a condition only applications can write:
 * `viaApplication`, customer-applications.ts). Pure: the service adds it to its queries.
 * Linking an application to an existing customer has a rule of its own (`linkableCustomerCondition`).
 */
import { type RecordScope, scopeCondition, type SqlCondition } from '../common/auth/record-scope';
import type { ApplicationOfCustomerCondition } from './customer-applications';

/** The columns of a customer that its scope looks at. */
export interface CustomerScopeFields {
  branchId: string | null;
  departmentId: string | null;
  createdBy: string | null;
}

/**
 * The scope as a condition on customers aliased `alias`; null when the caller sees them all.
 * `exceptApplicationId`: an application that does not count (the one being linked).
 */
export function customerScopeCondition(
  scope: RecordScope,
  viaApplication: ApplicationOfCustomerCondition,
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
  const via = viaApplication(scope, alias, exceptApplicationId);
  if (!own || !via) return null;
  return { sql: `(${own.sql} OR ${via.sql})`, params: { ...own.params, ...via.params } };
}

/**
 * Which existing customers an application may be linked to by id number (SPEC §4): those the
 * linker may see without counting that application (else the link would grant the sight it
 * needs), and those of the linker's own branch. Null when any may be linked (admins).
 */
export function linkableCustomerCondition(
  scope: RecordScope,
  viaApplication: ApplicationOfCustomerCondition,
  linkerBranchId: string | null,
  applicationId: string,
  alias = 'c',
): SqlCondition | null {
  const visible = customerScopeCondition(scope, viaApplication, alias, applicationId);
  if (!visible || !linkerBranchId) return visible;
  return {
    sql: `(${alias}.branch_id = :linkerBranch OR ${visible.sql})`,
    params: { ...visible.params, linkerBranch: linkerBranchId },
  };
}

/**
 * Whether a linker may link the customer by its own columns alone: the rule of
 * `linkableCustomerCondition` in memory, without the applications that could vouch for it.
 */
export function isLinkableByItsColumns(
  scope: RecordScope,
  linkerBranchId: string | null,
  customer: CustomerScopeFields,
): boolean {
  if (scope.kind === 'all') return true;
  return (
    (linkerBranchId !== null && customer.branchId === linkerBranchId) ||
    customer.createdBy === scope.userId ||
    (scope.branchId !== null && customer.branchId === scope.branchId) ||
    (scope.departmentId !== null && customer.departmentId === scope.departmentId)
  );
}
