import { auditScopeOf } from './audit-scope';

describe('auditScopeOf', () => {
  const caller = { id: 'me', branchId: 'b1', departmentId: 'd1' };

  it('gives admins every event', () => {
    expect(auditScopeOf({ ...caller, role: 'admin' })).toEqual({ kind: 'all' });
  });

  it('gives managers their branch, their department and their own actions', () => {
    expect(auditScopeOf({ ...caller, role: 'manager' })).toEqual({
      kind: 'own',
      branchId: 'b1',
      departmentId: 'd1',
      actorId: 'me',
    });
    expect(auditScopeOf({ id: 'me', role: 'manager', branchId: null, departmentId: null })).toEqual(
      { kind: 'own', branchId: null, departmentId: null, actorId: 'me' },
    );
  });

  it('gives officers and viewers nothing', () => {
    expect(auditScopeOf({ ...caller, role: 'officer' })).toEqual({ kind: 'none' });
    expect(auditScopeOf({ ...caller, role: 'viewer' })).toEqual({ kind: 'none' });
  });
});
