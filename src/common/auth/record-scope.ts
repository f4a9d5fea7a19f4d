/**
 * Which records a caller may read (SPEC §4, "read in scope"), for applications and customers
 * alike: the generic rule. Each module names the columns of its own table (e.g.
 * applications/application-scope.ts). Pure: services turn it into SQL with `scopeCondition`.
 *
 * - admin: everything;
 * - manager: their branch OR their department, plus what they created or were assigned;
 * - viewer: their branch, plus what they created or were assigned;
 * - officer: what they created (or were assigned).
 * A manager or viewer with neither branch nor department sees only what they created or were
 * assigned.
 */
import type { AuthUser } from './auth-user';

export type RecordScope =
  | { kind: 'all' }
  | { kind: 'limited'; userId: string; branchId: string | null; departmentId: string | null };

export function recordScopeOf(
  caller: Pick<AuthUser, 'id' | 'role' | 'branchId' | 'departmentId'>,
): RecordScope {
  switch (caller.role) {
    case 'admin':
      return { kind: 'all' };
    case 'manager':
      return {
        kind: 'limited',
        userId: caller.id,
        branchId: caller.branchId,
        departmentId: caller.departmentId,
      };
    case 'viewer':
      return { kind: 'limited', userId: caller.id, branchId: caller.branchId, departmentId: null };
    default:
      return { kind: 'limited', userId: caller.id, branchId: null, departmentId: null };
  }
}

/** The columns of a table that the scope looks at (qualified, e.g. `a.branch_id`). */
export interface ScopeColumns {
  branch: string;
  department: string;
  owner: string;
  assignee?: string;
}

export interface SqlCondition {
  sql: string;
  params: Record<string, string>;
}

/**
 * The scope as a SQL condition with named parameters (prefixed, so that two conditions can
 * share a query), or null when the caller sees everything.
 */
export function scopeCondition(
  scope: RecordScope,
  columns: ScopeColumns,
  prefix = 'scope',
): SqlCondition | null {
  if (scope.kind === 'all') return null;
  const parts = [`${columns.owner} = :${prefix}User`];
  const params: Record<string, string> = { [`${prefix}User`]: scope.userId };
  if (columns.assignee) parts.push(`${columns.assignee} = :${prefix}User`);
  if (scope.branchId) {
    parts.push(`${columns.branch} = :${prefix}Branch`);
    params[`${prefix}Branch`] = scope.branchId;
  }
  if (scope.departmentId) {
    parts.push(`${columns.department} = :${prefix}Department`);
    params[`${prefix}Department`] = scope.departmentId;
  }
  return { sql: `(${parts.join(' OR ')})`, params };
}
