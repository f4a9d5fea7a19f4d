/**
 * Which audit events a caller may read (SPEC §4, "audit log: admin all, manager own scope").
 * Pure: the service turns it into SQL.
 */
import type { AuthUser } from '../common/auth/auth-user';

export type AuditScope =
  | { kind: 'all' }
  /** Events of their branch OR of their department OR that they did themselves. */
  | { kind: 'own'; branchId: string | null; departmentId: string | null; actorId: string }
  | { kind: 'none' };

export function auditScopeOf(
  caller: Pick<AuthUser, 'id' | 'role' | 'branchId' | 'departmentId'>,
): AuditScope {
  if (caller.role === 'admin') return { kind: 'all' };
  if (caller.role === 'manager') {
    return {
      kind: 'own',
      branchId: caller.branchId,
      departmentId: caller.departmentId,
      actorId: caller.id,
    };
  }
  // The permission map keeps officers and viewers out; should it ever change, they see nothing.
  return { kind: 'none' };
}
