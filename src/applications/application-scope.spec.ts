import { recordScopeOf } from '../common/auth/record-scope';
import { applicationScopeColumns, isApplicationInScope } from './application-scope';
import { scopeCondition } from '../common/auth/record-scope';

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

describe('application scope', () => {
  it('manager: branch or department, plus created or assigned', () => {
    expect(scopeCondition(recordScopeOf(caller('manager')), applicationScopeColumns('a'))).toEqual({
      sql: '(a.user_id = :scopeUser OR a.assigned_reviewer = :scopeUser OR a.branch_id = :scopeBranch OR a.department_id = :scopeDepartment)',
      params: { scopeUser: 'u1', scopeBranch: 'b1', scopeDepartment: 'd1' },
    });
  });

  it('decides one row in memory as the SQL condition does', () => {
    const row: Parameters<typeof isApplicationInScope>[1] = {
      userId: 'o1',
      assignedReviewer: null,
      branchId: 'b1',
      departmentId: 'd9',
    };
    const cases: [ReturnType<typeof caller>, typeof row, boolean][] = [
      [caller('admin', null, null), row, true],
      [caller('manager'), row, true],
      [caller('manager', 'b2', 'd9'), row, true],
      [caller('manager', 'b2', 'd2'), row, false],
      [caller('manager', null, null), { ...row, assignedReviewer: 'u1' }, true],
      [caller('viewer', 'b2', 'd9'), row, false],
      [caller('officer'), row, false],
      [caller('officer'), { ...row, userId: 'u1' }, true],
    ];
    for (const [who, application, expected] of cases) {
      expect(isApplicationInScope(recordScopeOf(who), application)).toBe(expected);
    }
  });
});
