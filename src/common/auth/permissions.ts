/**
 * Roles and what they may do (SPEC §4). Routes declare a permission, never a list of roles;
 * this map is the one place that says which role holds which permission. Object-level rules
 * (scope, ownership, segregation of duties) are checked by the services on top of this.
 */
export const ROLES = ['admin', 'manager', 'officer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'profile:read',
  'profile:write',
  'users:read',
  'users:write',
  'users:operate',
  'org:read',
  'org:write',
  'customers:read',
  'customers:write',
  'applications:read',
  'applications:write',
  'applications:submit',
  'applications:review',
  'applications:approve',
  'applications:manage',
  'applications:export',
  'files:read',
  'files:write',
  'dashboard:read',
  'settings:read',
  'settings:write',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const EVERYONE: Permission[] = [
  'profile:read',
  'profile:write',
  'org:read',
  'customers:read',
  'applications:read',
  'files:read',
  'dashboard:read',
  'settings:read',
];

const CAPTURE: Permission[] = [
  'customers:write',
  'applications:write',
  'applications:submit',
  'files:write',
];

const MANAGE: Permission[] = [
  'users:read',
  'users:write',
  'users:operate',
  'applications:review',
  'applications:approve',
  'applications:manage',
  'applications:export',
  'audit:read',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set([...EVERYONE, ...CAPTURE, ...MANAGE, 'org:write', 'settings:write']),
  manager: new Set([...EVERYONE, ...CAPTURE, ...MANAGE]),
  officer: new Set([...EVERYONE, ...CAPTURE]),
  viewer: new Set([...EVERYONE]),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Deny by default: an unknown role holds nothing. */
export function hasPermission(role: string, permission: Permission): boolean {
  return isRole(role) && ROLE_PERMISSIONS[role].has(permission);
}
