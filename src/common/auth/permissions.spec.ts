import { hasPermission, isRole, Permission, PERMISSIONS, ROLES } from './permissions';

/**
 * SPEC §4 written out by hand, one row per permission: admin, manager, officer, viewer.
 * Never derive this from ROLE_PERMISSIONS: a test that reads the map under test cannot fail.
 */
const Y = true;
const N = false;
const EXPECTED: Record<
  string,
  [admin: boolean, manager: boolean, officer: boolean, viewer: boolean]
> = {
  'profile:read': [Y, Y, Y, Y],
  'profile:write': [Y, Y, Y, Y],
  'users:read': [Y, Y, N, N],
  'users:write': [Y, Y, N, N],
  'users:operate': [Y, Y, N, N],
  'org:read': [Y, Y, Y, Y],
  'org:write': [Y, N, N, N],
  'customers:read': [Y, Y, Y, Y],
  'customers:write': [Y, Y, Y, N],
  'applications:read': [Y, Y, Y, Y],
  'applications:write': [Y, Y, Y, N],
  'applications:submit': [Y, Y, Y, N],
  'applications:review': [Y, Y, N, N],
  'applications:approve': [Y, Y, N, N],
  'applications:manage': [Y, Y, N, N],
  'applications:export': [Y, Y, N, N],
  'files:read': [Y, Y, Y, Y],
  'files:write': [Y, Y, Y, N],
  'dashboard:read': [Y, Y, Y, Y],
  'settings:read': [Y, Y, Y, Y],
  'settings:write': [Y, N, N, N],
  'audit:read': [Y, Y, N, N],
};

const ROLE_COLUMNS = ['admin', 'manager', 'officer', 'viewer'] as const;

describe('role → permission map (SPEC §4)', () => {
  it('knows exactly the four roles', () => {
    expect([...ROLES].sort()).toEqual(['admin', 'manager', 'officer', 'viewer']);
  });

  it('has a hand-written expectation for every permission, and no stale ones', () => {
    expect([...PERMISSIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  const cases = Object.entries(EXPECTED).flatMap(([permission, row]) =>
    ROLE_COLUMNS.map((role, column) => [role, permission, row[column]] as const),
  );

  it.each(cases)('%s holds %s: %s', (role, permission, expected) => {
    expect(hasPermission(role, permission as Permission)).toBe(expected);
  });

  it('gives admin every permission', () => {
    const missing = PERMISSIONS.filter((permission) => !hasPermission('admin', permission));
    expect(missing).toEqual([]);
  });

  it('keeps organisation and settings writes for admins only', () => {
    for (const role of ['manager', 'officer', 'viewer']) {
      expect(hasPermission(role, 'org:write')).toBe(false);
      expect(hasPermission(role, 'settings:write')).toBe(false);
    }
  });

  it('lets an officer capture but not manage users, decide, export or read the audit log', () => {
    const refused: Permission[] = [
      'users:read',
      'users:write',
      'users:operate',
      'applications:review',
      'applications:approve',
      'applications:manage',
      'applications:export',
      'audit:read',
    ];
    expect(refused.filter((permission) => hasPermission('officer', permission))).toEqual([]);
    expect(hasPermission('officer', 'applications:write')).toBe(true);
    expect(hasPermission('officer', 'files:write')).toBe(true);
  });

  it('keeps a viewer read-only (apart from their own profile)', () => {
    const writes = PERMISSIONS.filter(
      (permission) => !permission.endsWith(':read') && hasPermission('viewer', permission),
    );
    expect(writes).toEqual(['profile:write']);
  });
});

describe('hasPermission', () => {
  it.each(['root', 'Admin', 'ADMIN', '', ' admin', 'toString', '__proto__', 'constructor'])(
    'denies the unknown role %p',
    (role) => {
      expect(hasPermission(role, 'profile:read')).toBe(false);
    },
  );

  it('denies an unknown permission, even to admin', () => {
    expect(hasPermission('admin', 'everything:write' as Permission)).toBe(false);
    expect(hasPermission('admin', '' as Permission)).toBe(false);
  });
});

describe('isRole', () => {
  it('accepts the four roles and nothing else', () => {
    expect(ROLE_COLUMNS.every((role) => isRole(role))).toBe(true);
    expect(isRole('superuser')).toBe(false);
    expect(isRole(undefined)).toBe(false);
    expect(isRole(['admin'])).toBe(false);
  });
});
