/**
 * Who may see and do what to which user (SPEC §4, "manage users"), as pure functions: the
 * service loads the rows and calls these; they never touch the database.
 *
 * - admin: every user.
 * - manager: sees the users of their own branch and themselves; manages (creates, edits,
 *   deletes, unlocks, sets passwords, revokes sessions of) only officers and viewers of their
 *   own branch, may not hand out the admin or manager role, and may not move anyone to another
 *   branch. A manager with no branch sees only themselves and manages nobody.
 * - officer, viewer: only themselves, through /users/me.
 * - nobody changes their own role, deactivates or deletes themselves.
 */
import { hasPermission, type Role } from '../common/auth/permissions';
import type { SqlCondition } from '../common/auth/record-scope';
import type { UserStatus } from './user.entity';

/** The roles a manager may create, edit and operate on, and hand out. */
export const MANAGER_ASSIGNABLE_ROLES: readonly Role[] = ['officer', 'viewer'];

export interface Actor {
  id: string;
  role: Role;
  branchId: string | null;
}

export interface TargetUser {
  id: string;
  role: Role;
  branchId: string | null;
  status: UserStatus;
}

/** Why an action is refused: the HTTP status and a sentence for the person. */
export interface Refusal {
  status: 403 | 409 | 422;
  detail: string;
  /** For 422: the body field at fault. */
  field?: string;
}

/** The users an actor may read, as the service turns it into a WHERE clause. */
export type UserScope =
  | { kind: 'all' }
  | { kind: 'branch'; branchId: string; selfId: string }
  | { kind: 'self'; selfId: string };

export function scopeOf(actor: Actor): UserScope {
  if (actor.role === 'admin') return { kind: 'all' };
  if (actor.role === 'manager' && actor.branchId) {
    return { kind: 'branch', branchId: actor.branchId, selfId: actor.id };
  }
  return { kind: 'self', selfId: actor.id };
}

/**
 * The users an actor may list through GET /users: their scope, or none without `users:read`
 * (the route refuses them). Other views of users (the staff of a department or branch, and
 * its head counts) show exactly these.
 */
export type ListableUsers = UserScope | { kind: 'none' };

export function listableUsersOf(actor: Actor): ListableUsers {
  return hasPermission(actor.role, 'users:read') ? scopeOf(actor) : { kind: 'none' };
}

/**
 * The scope as a SQL condition over the users table under `alias` (column names, so it fits a
 * query builder over any alias), or null when every user is in it.
 */
export function userScopeCondition(scope: ListableUsers, alias: string): SqlCondition | null {
  switch (scope.kind) {
    case 'all':
      return null;
    case 'branch':
      return {
        sql: `(${alias}.branch_id = :userScopeBranch OR ${alias}.id = :userScopeSelf)`,
        params: { userScopeBranch: scope.branchId, userScopeSelf: scope.selfId },
      };
    case 'self':
      return { sql: `${alias}.id = :userScopeSelf`, params: { userScopeSelf: scope.selfId } };
    case 'none':
      return { sql: 'false', params: {} };
  }
}

/** Whether the actor may see the target at all (out of scope is answered 404). */
export function canSee(actor: Actor, target: Pick<TargetUser, 'id' | 'branchId'>): boolean {
  const scope = scopeOf(actor);
  switch (scope.kind) {
    case 'all':
      return true;
    case 'branch':
      return target.id === scope.selfId || target.branchId === scope.branchId;
    case 'self':
      return target.id === scope.selfId;
  }
}

const forbidden = (detail: string): Refusal => ({ status: 403, detail });

/** Edit, delete and operator actions on a user the actor can see. */
export function manageRefusal(actor: Actor, target: TargetUser): Refusal | undefined {
  if (actor.role === 'admin') return undefined;
  if (actor.role !== 'manager') return forbidden('Your role may not manage users.');
  if (!actor.branchId) {
    return forbidden('You have no branch, so you manage no users. Ask an admin.');
  }
  if (target.branchId !== actor.branchId || !MANAGER_ASSIGNABLE_ROLES.includes(target.role)) {
    return forbidden(
      target.id === actor.id
        ? 'Managers cannot manage their own account here; use /users/me.'
        : 'Managers manage only the officers and viewers of their own branch.',
    );
  }
  return undefined;
}

function roleRefusal(actor: Actor, role: Role): Refusal | undefined {
  if (actor.role === 'admin' || MANAGER_ASSIGNABLE_ROLES.includes(role)) return undefined;
  return forbidden(`Managers may not give anyone the ${role} role; ask an admin.`);
}

function branchRefusal(actor: Actor, branchId: string | null): Refusal | undefined {
  if (actor.role === 'admin' || branchId === actor.branchId) return undefined;
  return forbidden('Managers may not place users outside their own branch.');
}

/**
 * The branch of a new user: as requested, or for a manager who names none, their own.
 * (`undefined` and null both mean "none named".)
 */
export function branchForNewUser(actor: Actor | null, requested: string | null | undefined) {
  if (requested) return requested;
  return actor?.role === 'manager' ? actor.branchId : null;
}

/**
 * Creating a user of `role` in `branchId` (already defaulted by branchForNewUser) with
 * `status`. `actor === null` is the first-admin set-up: no manager rules, but that first
 * account must be active (an inactive one could never sign in, and set-up would be closed).
 */
export function createRefusal(
  actor: Actor | null,
  role: Role,
  branchId: string | null,
  status: UserStatus,
): Refusal | undefined {
  if (actor === null) {
    return status === 'active'
      ? undefined
      : { status: 422, field: 'status', detail: 'The first administrator must be active.' };
  }
  if (actor.role === 'admin') return undefined;
  if (actor.role !== 'manager') return forbidden('Your role may not create users.');
  if (!actor.branchId) {
    return forbidden('You have no branch, so you cannot create users. Ask an admin.');
  }
  return roleRefusal(actor, role) ?? branchRefusal(actor, branchId);
}

/** What an update changes that the rules care about; `undefined` means "not changing". */
export interface UserChange {
  role?: Role;
  branchId?: string | null;
  status?: UserStatus;
  password?: boolean;
}

export function updateRefusal(
  actor: Actor,
  target: TargetUser,
  change: UserChange,
): Refusal | undefined {
  const self = actor.id === target.id;
  if (self && change.role !== undefined && change.role !== target.role) {
    return forbidden('You cannot change your own role.');
  }
  if (self && change.status === 'inactive' && target.status !== 'inactive') {
    return { status: 409, detail: 'You cannot deactivate your own account.' };
  }
  if (self && change.password) {
    return forbidden(
      'Change your own password through /users/me/change-password (it asks for the current one).',
    );
  }
  const refusal = manageRefusal(actor, target);
  if (refusal) return refusal;
  if (change.role !== undefined && change.role !== target.role) {
    const roleProblem = roleRefusal(actor, change.role);
    if (roleProblem) return roleProblem;
  }
  if (change.branchId !== undefined && change.branchId !== target.branchId) {
    return branchRefusal(actor, change.branchId);
  }
  return undefined;
}

export function deleteRefusal(actor: Actor, target: TargetUser): Refusal | undefined {
  if (actor.id === target.id) {
    return { status: 409, detail: 'You cannot delete your own account.' };
  }
  return manageRefusal(actor, target);
}

/**
 * The kinds of records that name a user and keep the row from being deleted (the
 * departments and branches they manage; applications they created, submitted, review,
 * approved or rejected; customers and folders they created; files they uploaded).
 */
export const OWNED_RECORD_KINDS = [
  'managed_units',
  'applications',
  'customers',
  'folders',
  'files',
] as const;
export type OwnedRecordKind = (typeof OWNED_RECORD_KINDS)[number];

const OWNED_RECORD_NAMES: Record<OwnedRecordKind, string> = {
  managed_units: 'departments or branches they manage',
  applications: 'loan applications',
  customers: 'customers',
  folders: 'folders',
  files: 'files',
};

/** The detail of a delete answered by a deactivation: what still names the user. */
export function deactivatedInsteadDetail(username: string, kinds: OwnedRecordKind[]): string {
  const names = kinds.map((kind) => OWNED_RECORD_NAMES[kind]);
  const listed =
    names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
  return (
    `${username} still has records (${listed}), so the account was deactivated instead of ` +
    'deleted and its sessions were ended.'
  );
}

/**
 * `status` and `is_active` say the same thing; either may be given, both only if they agree.
 * Returns the status asked for (undefined when neither is given), or a 422 refusal.
 */
export function requestedStatus(
  status: UserStatus | undefined,
  isActive: boolean | undefined,
): { status?: UserStatus; refusal?: Refusal } {
  const fromFlag: UserStatus | undefined =
    isActive === undefined ? undefined : isActive ? 'active' : 'inactive';
  if (status !== undefined && fromFlag !== undefined && status !== fromFlag) {
    return {
      refusal: {
        status: 422,
        field: 'is_active',
        detail: `is_active (${String(isActive)}) contradicts status (${status}); give one of them.`,
      },
    };
  }
  return { status: status ?? fromFlag };
}
