import { recordScopeOf, type ScopeColumns, scopeCondition } from './record-scope';

const caller = (
  role: 'admin' | 'manager' | 'officer' | 'viewer',
  branchId: string | null = 'b1',
  departmentId: string | null = 'd1',
) => ({
  id: 'u1',
  role,
  branchId,
  departmentId,
});

describe('record scope', () => {
  const columns: ScopeColumns = {
    branch: 'a.branch_id',
    department: 'a.department_id',
    owner: 'a.user_id',
    assignee: 'a.assigned_reviewer',
  };

  it('admin sees everything', () => {
    expect(scopeCondition(recordScopeOf(caller('admin')), columns)).toBeNull();
  });

  it('manager: branch or department, plus created or assigned', () => {
    expect(scopeCondition(recordScopeOf(caller('manager')), columns)).toEqual({
      sql: '(a.user_id = :scopeUser OR a.assigned_reviewer = :scopeUser OR a.branch_id = :scopeBranch OR a.department_id = :scopeDepartment)',
      params: { scopeUser: 'u1', scopeBranch: 'b1', scopeDepartment: 'd1' },
    });
  });

  it('viewer: branch (not department), plus created or assigned', () => {
    expect(scopeCondition(recordScopeOf(caller('viewer')), columns)).toEqual({
      sql: '(a.user_id = :scopeUser OR a.assigned_reviewer = :scopeUser OR a.branch_id = :scopeBranch)',
      params: { scopeUser: 'u1', scopeBranch: 'b1' },
    });
  });

  it('officer: own and assigned only, whatever their branch', () => {
    expect(scopeCondition(recordScopeOf(caller('officer')), columns)).toEqual({
      sql: '(a.user_id = :scopeUser OR a.assigned_reviewer = :scopeUser)',
      params: { scopeUser: 'u1' },
    });
  });

  it('a manager with neither branch nor department sees what they created or were assigned', () => {
    expect(scopeCondition(recordScopeOf(caller('manager', null, null)), columns, 'p')).toEqual({
      sql: '(a.user_id = :pUser OR a.assigned_reviewer = :pUser)',
      params: { pUser: 'u1' },
    });
  });

  it('an unknown role is treated as the narrowest scope', () => {
    const odd = { ...caller('officer'), role: 'auditor' as never };
    expect(recordScopeOf(odd)).toEqual({
      kind: 'limited',
      userId: 'u1',
      branchId: null,
      departmentId: null,
    });
  });
});
