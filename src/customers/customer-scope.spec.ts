import { customerHasApplicationInScope as viaApplication } from '../applications/application-scope';
import { recordScopeOf } from '../common/auth/record-scope';
import { customerScopeCondition, linkableCustomerCondition } from './customer-scope';

const caller = (role: 'admin' | 'manager' | 'officer' | 'viewer') => ({
  id: 'u1',
  role,
  branchId: 'b1',
  departmentId: 'd1',
});

describe('customer scope', () => {
  it('admin sees every customer', () => {
    expect(customerScopeCondition(recordScopeOf(caller('admin')), viaApplication)).toBeNull();
  });

  it('officer: customers they registered, or linked to an application they may see', () => {
    expect(customerScopeCondition(recordScopeOf(caller('officer')), viaApplication)).toEqual({
      sql:
        '((c.created_by = :customerScopeUser) OR EXISTS (SELECT 1 FROM customer_applications scope_app ' +
        'WHERE scope_app.customer_id = c.id AND ' +
        '(scope_app.user_id = :appScopeUser OR scope_app.assigned_reviewer = :appScopeUser)))',
      params: { customerScopeUser: 'u1', appScopeUser: 'u1' },
    });
  });

  it('manager: branch or department of the customer or of one of its applications', () => {
    const condition = customerScopeCondition(recordScopeOf(caller('manager')), viaApplication, 'x');
    expect(condition?.sql).toContain(
      '(x.created_by = :customerScopeUser OR x.branch_id = :customerScopeBranch OR x.department_id = :customerScopeDepartment)',
    );
    expect(condition?.sql).toContain('scope_app.customer_id = x.id');
    expect(condition?.sql).toContain('scope_app.branch_id = :appScopeBranch');
    expect(condition?.sql).toContain('scope_app.department_id = :appScopeDepartment');
    expect(condition?.params).toEqual({
      customerScopeUser: 'u1',
      customerScopeBranch: 'b1',
      customerScopeDepartment: 'd1',
      appScopeUser: 'u1',
      appScopeBranch: 'b1',
      appScopeDepartment: 'd1',
    });
  });

  it('viewer: branch only, never department', () => {
    const condition = customerScopeCondition(recordScopeOf(caller('viewer')), viaApplication);
    expect(condition?.sql).toContain('c.branch_id = :customerScopeBranch');
    expect(condition?.sql).not.toContain('department');
  });

  it('leaves out one application when asked (the one being linked)', () => {
    const condition = customerScopeCondition(
      recordScopeOf(caller('officer')),
      viaApplication,
      'c',
      'app-1',
    );
    expect(condition?.sql).toContain(
      'WHERE scope_app.customer_id = c.id AND scope_app.id <> :appScopeExcept AND ',
    );
    expect(condition?.params.appScopeExcept).toBe('app-1');
    expect(
      customerScopeCondition(recordScopeOf(caller('officer')), viaApplication)?.sql,
    ).not.toContain('appScopeExcept');
  });
});

describe('linkable customers (SPEC §4: link only with sight of the customer, or in your branch)', () => {
  it('admin may link any customer', () => {
    expect(
      linkableCustomerCondition(recordScopeOf(caller('admin')), viaApplication, 'b1', 'app-1'),
    ).toBeNull();
  });

  it("officer: their branch's customers, or those visible without the application being linked", () => {
    expect(
      linkableCustomerCondition(recordScopeOf(caller('officer')), viaApplication, 'b1', 'app-1'),
    ).toEqual({
      sql:
        '(c.branch_id = :linkerBranch OR ((c.created_by = :customerScopeUser) OR EXISTS ' +
        '(SELECT 1 FROM customer_applications scope_app WHERE scope_app.customer_id = c.id AND ' +
        'scope_app.id <> :appScopeExcept AND ' +
        '(scope_app.user_id = :appScopeUser OR scope_app.assigned_reviewer = :appScopeUser))))',
      params: {
        linkerBranch: 'b1',
        customerScopeUser: 'u1',
        appScopeUser: 'u1',
        appScopeExcept: 'app-1',
      },
    });
  });

  it('without a branch: only what they may see', () => {
    const condition = linkableCustomerCondition(
      recordScopeOf(caller('manager')),
      viaApplication,
      null,
      'app-1',
    );
    expect(condition?.sql).not.toContain('linkerBranch');
    expect(condition?.sql).toContain('c.department_id = :customerScopeDepartment');
    expect(condition?.params.appScopeExcept).toBe('app-1');
  });
});
