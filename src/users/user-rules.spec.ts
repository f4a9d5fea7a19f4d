import type { Role } from '../common/auth/permissions';
import { changesOf } from '../common/changes';
import { changesForAudit } from './user-changes';
import type { User } from './user.entity';
import {
  type Actor,
  branchForNewUser,
  canSee,
  createRefusal,
  deactivatedInsteadDetail,
  deleteRefusal,
  listableUsersOf,
  manageRefusal,
  requestedStatus,
  scopeOf,
  type TargetUser,
  updateRefusal,
  userScopeCondition,
} from './user-rules';

const OWN = 'branch-own';
const OTHER = 'branch-other';

const admin: Actor = { id: 'admin-1', role: 'admin', branchId: null };
const manager: Actor = { id: 'manager-1', role: 'manager', branchId: OWN };
const homelessManager: Actor = { id: 'manager-2', role: 'manager', branchId: null };
const officer: Actor = { id: 'officer-1', role: 'officer', branchId: OWN };
const viewer: Actor = { id: 'viewer-1', role: 'viewer', branchId: OWN };

function target(role: Role, branchId: string | null, id = `${role}-${branchId}`): TargetUser {
  return { id, role, branchId, status: 'active' };
}

/** Expected statuses written by hand (undefined: allowed). */
describe('manageRefusal: edit, delete, unlock, revoke', () => {
  const cases: [string, number | undefined, Actor, TargetUser][] = [
    ['admin → manager elsewhere', undefined, admin, target('manager', OTHER)],
    ['admin → admin', undefined, admin, target('admin', null)],
    ['manager → officer, own branch', undefined, manager, target('officer', OWN)],
    ['manager → viewer, own branch', undefined, manager, target('viewer', OWN)],
    ['manager → manager, own branch', 403, manager, target('manager', OWN)],
    ['manager → admin, own branch', 403, manager, target('admin', OWN)],
    ['manager → officer, other branch', 403, manager, target('officer', OTHER)],
    ['manager → officer without branch', 403, manager, target('officer', null)],
    ['manager → themselves', 403, manager, { ...target('manager', OWN), id: manager.id }],
    [
      'manager without branch → officer without branch',
      403,
      homelessManager,
      target('officer', null),
    ],
    ['officer → officer', 403, officer, target('officer', OWN)],
    ['viewer → viewer', 403, viewer, target('viewer', OWN)],
  ];
  it.each(cases)('%s → %p', (_name, expected, actor, user) => {
    expect(manageRefusal(actor, user)?.status).toBe(expected);
  });
});

describe('canSee and scopeOf', () => {
  it('lets an admin see everyone', () => {
    expect(scopeOf(admin)).toEqual({ kind: 'all' });
    expect(canSee(admin, target('officer', OTHER))).toBe(true);
  });

  it('lets a manager see their branch and themselves, nothing else', () => {
    expect(scopeOf(manager)).toEqual({ kind: 'branch', branchId: OWN, selfId: manager.id });
    expect(canSee(manager, target('manager', OWN))).toBe(true);
    expect(canSee(manager, target('admin', OWN))).toBe(true);
    expect(canSee(manager, target('officer', OTHER))).toBe(false);
    expect(canSee(manager, target('officer', null))).toBe(false);
    expect(canSee(manager, { id: manager.id, branchId: OTHER })).toBe(true);
  });

  it('gives a manager without a branch, an officer and a viewer only themselves', () => {
    for (const actor of [homelessManager, officer, viewer]) {
      expect(scopeOf(actor)).toEqual({ kind: 'self', selfId: actor.id });
      expect(canSee(actor, { id: actor.id, branchId: actor.branchId })).toBe(true);
      expect(canSee(actor, target('officer', actor.branchId))).toBe(false);
    }
    // Another user of a branch-less manager's "branch" (null) is not theirs.
    expect(canSee(homelessManager, target('officer', null))).toBe(false);
  });
});

describe('listableUsersOf and userScopeCondition: who GET /users lists', () => {
  it('lists everyone to an admin (no condition)', () => {
    expect(listableUsersOf(admin)).toEqual({ kind: 'all' });
    expect(userScopeCondition(listableUsersOf(admin), 'u')).toBeNull();
  });

  it("lists a manager's branch and the manager", () => {
    expect(userScopeCondition(listableUsersOf(manager), 'u')).toEqual({
      sql: '(u.branch_id = :userScopeBranch OR u.id = :userScopeSelf)',
      params: { userScopeBranch: OWN, userScopeSelf: manager.id },
    });
    expect(userScopeCondition(listableUsersOf(homelessManager), 'user')).toEqual({
      sql: 'user.id = :userScopeSelf',
      params: { userScopeSelf: homelessManager.id },
    });
  });

  it('lists nobody to officers and viewers (they lack users:read)', () => {
    for (const actor of [officer, viewer]) {
      expect(listableUsersOf(actor)).toEqual({ kind: 'none' });
      expect(userScopeCondition(listableUsersOf(actor), 'u')).toEqual({ sql: 'false', params: {} });
    }
  });
});

describe('createRefusal and branchForNewUser', () => {
  it("defaults a manager's new user to the manager's branch, an admin's to none", () => {
    expect(branchForNewUser(manager, undefined)).toBe(OWN);
    expect(branchForNewUser(manager, null)).toBe(OWN);
    expect(branchForNewUser(manager, OTHER)).toBe(OTHER);
    expect(branchForNewUser(admin, undefined)).toBeNull();
    expect(branchForNewUser(null, undefined)).toBeNull();
  });

  const cases: [string, number | undefined, Actor, Role, string | null][] = [
    ['admin creates an admin anywhere', undefined, admin, 'admin', null],
    ['admin creates a manager elsewhere', undefined, admin, 'manager', OTHER],
    ['manager creates an officer in their branch', undefined, manager, 'officer', OWN],
    ['manager creates a viewer in their branch', undefined, manager, 'viewer', OWN],
    ['manager creates an admin', 403, manager, 'admin', OWN],
    ['manager creates a manager', 403, manager, 'manager', OWN],
    ['manager creates an officer elsewhere', 403, manager, 'officer', OTHER],
    ['manager without branch creates an officer', 403, homelessManager, 'officer', null],
    ['officer creates an officer', 403, officer, 'officer', OWN],
  ];
  it.each(cases)('%s → %p', (_name, expected, actor, role, branchId) => {
    expect(createRefusal(actor, role, branchId, 'active')?.status).toBe(expected);
  });
});

describe('createRefusal for the first-admin set-up (no actor)', () => {
  it('allows any role and branch, but only an active account', () => {
    expect(createRefusal(null, 'admin', null, 'active')).toBeUndefined();
    expect(createRefusal(null, 'admin', OTHER, 'active')).toBeUndefined();
    expect(createRefusal(null, 'admin', null, 'inactive')).toMatchObject({
      status: 422,
      field: 'status',
    });
  });

  it('lets admins and managers create inactive accounts', () => {
    expect(createRefusal(admin, 'officer', null, 'inactive')).toBeUndefined();
    expect(createRefusal(manager, 'officer', OWN, 'inactive')).toBeUndefined();
  });
});

describe('updateRefusal', () => {
  const me = (actor: Actor): TargetUser => ({ ...actor, status: 'active' });

  it('refuses changing your own role (403), even for an admin', () => {
    expect(updateRefusal(admin, me(admin), { role: 'manager' })?.status).toBe(403);
    // Sending your current role back is not a change.
    expect(updateRefusal(admin, me(admin), { role: 'admin' })).toBeUndefined();
  });

  it('refuses deactivating yourself (409), allows it for others', () => {
    expect(updateRefusal(admin, me(admin), { status: 'inactive' })?.status).toBe(409);
    expect(updateRefusal(manager, me(manager), { status: 'inactive' })?.status).toBe(409);
    expect(updateRefusal(admin, target('admin', null), { status: 'inactive' })).toBeUndefined();
  });

  it('sends your own password change to /users/me/change-password (403)', () => {
    expect(updateRefusal(admin, me(admin), { password: true })?.status).toBe(403);
    expect(updateRefusal(admin, target('officer', OWN), { password: true })).toBeUndefined();
  });

  it('lets an admin edit names of their own record', () => {
    expect(updateRefusal(admin, me(admin), {})).toBeUndefined();
  });

  it('keeps a manager to officer/viewer roles and their own branch', () => {
    const user = target('officer', OWN);
    expect(updateRefusal(manager, user, { role: 'viewer' })).toBeUndefined();
    expect(updateRefusal(manager, user, { role: 'manager' })?.status).toBe(403);
    expect(updateRefusal(manager, user, { role: 'admin' })?.status).toBe(403);
    expect(updateRefusal(manager, user, { branchId: OWN })).toBeUndefined();
    expect(updateRefusal(manager, user, { branchId: OTHER })?.status).toBe(403);
    expect(updateRefusal(manager, user, { branchId: null })?.status).toBe(403);
    expect(updateRefusal(manager, user, { status: 'inactive', password: true })).toBeUndefined();
  });

  it('lets an admin change roles and branches of others', () => {
    expect(
      updateRefusal(admin, target('officer', OWN), { role: 'admin', branchId: OTHER }),
    ).toBeUndefined();
  });

  it('refuses officers and viewers whatever the change', () => {
    expect(updateRefusal(officer, target('officer', OWN), {})?.status).toBe(403);
    expect(updateRefusal(viewer, target('viewer', OWN), {})?.status).toBe(403);
  });
});

describe('deleteRefusal', () => {
  it('refuses deleting yourself with 409, whatever your role', () => {
    expect(deleteRefusal(admin, { ...admin, status: 'active' })?.status).toBe(409);
    expect(deleteRefusal(manager, { ...manager, status: 'active' })?.status).toBe(409);
  });

  it('otherwise follows the manage rules', () => {
    expect(deleteRefusal(admin, target('manager', OTHER))).toBeUndefined();
    expect(deleteRefusal(manager, target('officer', OWN))).toBeUndefined();
    expect(deleteRefusal(manager, target('officer', OTHER))?.status).toBe(403);
  });
});

describe('deactivatedInsteadDetail', () => {
  it('names what still refers to the user, in a list a person reads', () => {
    expect(deactivatedInsteadDetail('dara', ['files'])).toBe(
      'dara still has records (files), so the account was deactivated instead of deleted and ' +
        'its sessions were ended.',
    );
    expect(deactivatedInsteadDetail('dara', ['managed_units', 'applications'])).toContain(
      '(departments or branches they manage and loan applications)',
    );
    expect(deactivatedInsteadDetail('dara', ['applications', 'customers', 'files'])).toContain(
      '(loan applications, customers and files)',
    );
  });
});

describe('requestedStatus', () => {
  it('mirrors status and is_active', () => {
    expect(requestedStatus(undefined, undefined)).toEqual({ status: undefined });
    expect(requestedStatus('inactive', undefined)).toEqual({ status: 'inactive' });
    expect(requestedStatus(undefined, false)).toEqual({ status: 'inactive' });
    expect(requestedStatus(undefined, true)).toEqual({ status: 'active' });
    expect(requestedStatus('active', true)).toEqual({ status: 'active' });
  });

  it('refuses both given and disagreeing with a 422 on is_active', () => {
    expect(requestedStatus('active', false).refusal).toMatchObject({
      status: 422,
      field: 'is_active',
    });
    expect(requestedStatus('inactive', true).refusal?.status).toBe(422);
  });
});

describe('changesOf over a user', () => {
  const user = {
    firstName: 'Sokha',
    lastName: 'Chan',
    phoneNumber: null,
    branchId: OWN,
    role: 'officer',
  } as unknown as User;

  it('keeps only the values that differ, with both sides', () => {
    const changes = changesOf(user, {
      firstName: 'Sokha',
      lastName: 'Chea',
      phoneNumber: undefined,
      branchId: null,
      role: 'officer',
    });
    expect(changes).toEqual({
      lastName: { from: 'Chan', to: 'Chea' },
      branchId: { from: OWN, to: null },
    });
    expect(changesForAudit(changes)).toEqual({
      last_name: { from: 'Chan', to: 'Chea' },
      branch_id: { from: OWN, to: null },
    });
  });
});
