import type { Branch } from '../../src/branches/branch.entity';
import type { Department } from '../../src/departments/department.entity';
import type { Position } from '../../src/positions/position.entity';
import type { User } from '../../src/users/user.entity';
import { auditRows } from '../harness/audit';
import { expectNoSecrets, expectProblem } from '../harness/expect';
import { pageIds, requestsAs } from '../harness/http';
import { type Actor, createUser } from '../harness/identity';
import { makeBranch, makeDepartment, makePosition } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { newUserBody } from '../harness/users-fixtures';

interface UserItem {
  id: string;
  branch_id: string | null;
  role: string;
  status: string;
  created_at: string;
}

/** SPEC §4 "manage users" and the scope of lists and stats, written out by hand. */
describe('Users: scope and manager rules', () => {
  let t: TestApp;
  let admin: Actor;
  let branchA: Branch;
  let branchB: Branch;
  let manager: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    branchA = await makeBranch(t);
    branchB = await makeBranch(t);
    admin = await t.signIn('admin');
    manager = await t.signIn({ role: 'manager', branchId: branchA.id });
  });
  afterAll(() => t?.close());

  const as = (bearer: string) => requestsAs(t, bearer, '/api/v1/users');

  describe("a manager acting on others (own branch A; 'self' is the manager)", () => {
    type Target = 'officerA' | 'viewerA' | 'managerA' | 'adminA' | 'officerB' | 'noBranch' | 'self';
    // get, patch names, unlock, revoke sessions, delete
    const EXPECTED: Record<Target, [number, number, number, number, number]> = {
      officerA: [200, 200, 204, 204, 204],
      viewerA: [200, 200, 204, 204, 204],
      managerA: [200, 403, 403, 403, 403],
      adminA: [200, 403, 403, 403, 403],
      officerB: [404, 404, 404, 404, 404],
      noBranch: [404, 404, 404, 404, 404],
      self: [200, 403, 403, 403, 409],
    };

    async function target(name: Target): Promise<User> {
      switch (name) {
        case 'officerA':
          return createUser(t.app, { role: 'officer', branchId: branchA.id });
        case 'viewerA':
          return createUser(t.app, { role: 'viewer', branchId: branchA.id });
        case 'managerA':
          return createUser(t.app, { role: 'manager', branchId: branchA.id });
        case 'adminA':
          return createUser(t.app, { role: 'admin', branchId: branchA.id });
        case 'officerB':
          return createUser(t.app, { role: 'officer', branchId: branchB.id });
        case 'noBranch':
          return createUser(t.app, { role: 'officer', branchId: null });
        case 'self':
          return manager.user;
      }
    }

    it.each(Object.entries(EXPECTED) as [Target, number[]][])('%s → %p', async (name, expected) => {
      const user = await target(name);
      const m = as(manager.bearer);
      const statuses = [
        (await m.get(`/${user.id}`)).status,
        (await m.patch(`/${user.id}`, { first_name: 'Edited' })).status,
        (await m.post(`/${user.id}/unlock`)).status,
        (await m.delete(`/${user.id}/sessions`)).status,
        (await m.delete(`/${user.id}`)).status,
      ];
      expect(statuses).toEqual(expected);
    });

    it('answers a refusal with a problem document that does not reveal other branches', async () => {
      const other = await createUser(t.app, { role: 'officer', branchId: branchB.id });
      const res = await as(manager.bearer).get(`/${other.id}`);
      expectProblem(res, 404);
      expect(res.body.detail).toBe('User not found.');
      const peer = await createUser(t.app, { role: 'manager', branchId: branchA.id });
      const refused = await as(manager.bearer).patch(`/${peer.id}`, { first_name: 'x' });
      expectProblem(refused, 403);
      expect(refused.body.detail).toBe(
        'Managers manage only the officers and viewers of their own branch.',
      );
    });
  });

  describe('a manager creating and editing', () => {
    it("creates officers and viewers, in the manager's branch by default", async () => {
      const m = as(manager.bearer);
      const officer = await m.post('', newUserBody());
      expect(officer.status).toBe(201);
      expectNoSecrets(officer);
      expect(officer.body).toMatchObject({
        role: 'officer',
        branch_id: branchA.id,
        branch: { id: branchA.id, name: branchA.name },
      });
      const viewer = await m.post('', newUserBody({ role: 'viewer', branch_id: branchA.id }));
      expect(viewer.status).toBe(201);
      const [event] = await t.dataSource.query(
        `SELECT actor_id, branch_id FROM audit_events WHERE action = 'user.created' AND entity_id = $1`,
        [viewer.body.id],
      );
      expect(event).toEqual({ actor_id: manager.user.id, branch_id: branchA.id });
    });

    it.each([
      ['the admin role', { role: 'admin' }, 'admin role'],
      ['the manager role', { role: 'manager' }, 'manager role'],
      ['another branch', { branch_id: '' as string }, 'outside their own branch'],
    ])('403 creating a user with %s', async (_name, fields, message) => {
      const body = newUserBody(
        'branch_id' in fields ? { branch_id: branchB.id } : (fields as Record<string, unknown>),
      );
      const res = await as(manager.bearer).post('', body);
      expectProblem(res, 403);
      expect(res.body.detail).toContain(message);
    });

    it('403 for a manager without a branch, who sees only themselves', async () => {
      const lonely = await t.signIn({ role: 'manager', branchId: null });
      expectProblem(await as(lonely.bearer).post('', newUserBody()), 403);
      const list = await as(lonely.bearer).get('');
      expect(list.body.items.map((u: UserItem) => u.id)).toEqual([lonely.user.id]);
      expect((await as(lonely.bearer).get(`/${lonely.user.id}`)).status).toBe(200);
      const stranger = await createUser(t.app, { branchId: null });
      expectProblem(await as(lonely.bearer).get(`/${stranger.id}`), 404);
    });

    it('keeps roles to officer/viewer and users in the branch', async () => {
      const m = as(manager.bearer);
      const user = await createUser(t.app, { role: 'officer', branchId: branchA.id });
      expectProblem(await m.patch(`/${user.id}`, { role: 'manager' }), 403);
      expectProblem(await m.patch(`/${user.id}`, { role: 'admin' }), 403);
      expectProblem(await m.patch(`/${user.id}`, { branch_id: branchB.id }), 403);
      expectProblem(await m.patch(`/${user.id}`, { branch_id: null }), 403);
      expectProblem(await m.patch(`/${user.id}`, { branch_id: '' }), 403);
      const same = await m.patch(`/${user.id}`, { branch_id: branchA.id, role: 'viewer' });
      expect(same.status).toBe(200);
      expect(same.body.role).toBe('viewer');
      const password = await m.patch(`/${user.id}`, { password: 'Manag3rSet' });
      expect(password.status).toBe(200);
      const deactivate = await m.patch(`/${user.id}`, { status: 'inactive' });
      expect(deactivate.body.status).toBe('inactive');
      const actions = await auditRows(t, { entityId: user.id });
      expect(actions.map((a) => a.action)).toEqual([
        'user.role_changed',
        'user.password_set',
        'user.deactivated',
      ]);
    });

    it('refuses a manager their own role change (403) and deactivation (409)', async () => {
      const m = as(manager.bearer);
      expectProblem(await m.patch(`/${manager.user.id}`, { role: 'admin' }), 403);
      expectProblem(await m.patch(`/${manager.user.id}`, { is_active: false }), 409);
    });
  });

  describe('GET /users', () => {
    let department: Department;
    let position: Position;
    let branchC: Branch;
    let listed: User[];

    beforeAll(async () => {
      department = await makeDepartment(t);
      position = await makePosition(t);
      branchC = await makeBranch(t);
      listed = [];
      for (const fields of [
        { firstName: '100%', lastName: 'UnderXscore', role: 'viewer' as const },
        { firstName: 'Under_score', lastName: 'Name', departmentId: department.id },
        {
          firstName: 'Sophea',
          lastName: 'Lim',
          positionId: position.id,
          status: 'inactive' as const,
        },
        { firstName: 'Sophea', lastName: 'Chan', email: `sophea.chan.${Date.now()}@bank.test` },
      ]) {
        listed.push(await createUser(t.app, { branchId: branchC.id, ...fields }));
      }
    });

    it('pages newest first with the envelope, clamping size to 100', async () => {
      const res = await as(admin.bearer).get('?size=2&page=1');
      expect(res.status).toBe(200);
      expectNoSecrets(res);
      expect(res.body).toMatchObject({ page: 1, size: 2, items: expect.any(Array) });
      expect(res.body.pages).toBe(Math.ceil(res.body.total / 2));
      expect(res.body.items).toHaveLength(2);
      const all = await as(admin.bearer).get('/?size=1000');
      expect(all.body.size).toBe(100);
      const created = all.body.items.map((u: UserItem) => u.created_at);
      expect([...created].sort().reverse()).toEqual(created);
      expect(res.body.items[0].id).toBe(all.body.items[0].id);
    });

    it('filters by search (with % and _ taken literally), role, status and the references', async () => {
      const a = as(admin.bearer);
      const scoped = `branch_id=${branchC.id}`;
      expect(pageIds(await a.get(`?${scoped}&search=${encodeURIComponent('%')}`))).toEqual([
        listed[0].id,
      ]);
      expect(pageIds(await a.get(`?${scoped}&search=under_score`))).toEqual([listed[1].id]);
      expect(pageIds(await a.get(`?${scoped}&search=underxscore`))).toEqual([listed[0].id]);
      expect(pageIds(await a.get(`?${scoped}&search=sophea`))).toEqual([
        listed[3].id,
        listed[2].id,
      ]);
      expect(pageIds(await a.get(`?${scoped}&search=${encodeURIComponent('Sophea Lim')}`))).toEqual(
        [listed[2].id],
      );
      expect(pageIds(await a.get(`?${scoped}&search=bank.test`))).toEqual([listed[3].id]);
      expect(pageIds(await a.get(`?${scoped}&role=viewer`))).toEqual([listed[0].id]);
      expect(pageIds(await a.get(`?${scoped}&status=inactive`))).toEqual([listed[2].id]);
      expect(pageIds(await a.get(`?department_id=${department.id}`))).toEqual([listed[1].id]);
      expect(pageIds(await a.get(`?position_id=${position.id}`))).toEqual([listed[2].id]);
      expect((await a.get(`?${scoped}`)).body.total).toBe(4);
      expect((await a.get(`?${scoped}&search=&role=&status=`)).body.total).toBe(4);
    });

    it('filters by updated_since', async () => {
      const a = as(admin.bearer);
      const since = new Date(Date.now() + 1000);
      await t.dataSource.query(`UPDATE users SET updated_at = $2 WHERE id = $1`, [
        listed[1].id,
        new Date(since.getTime() + 1000),
      ]);
      const res = await a.get(`?branch_id=${branchC.id}&updated_since=${since.toISOString()}`);
      expect(pageIds(res)).toEqual([listed[1].id]);
      const bad = await a.get('?updated_since=yesterday');
      expectProblem(bad, 422);
      expect(bad.body.errors[0].loc).toEqual(['query', 'updated_since']);
    });

    it('422 for bad filter values and unknown parameters', async () => {
      const res = await as(admin.bearer).get('?role=root&status=x&branch_id=1&page=0&colour=red');
      expectProblem(res, 422);
      expect(res.body.errors.map((e: { loc: string[] }) => e.loc[1])).toEqual(
        expect.arrayContaining(['role', 'status', 'branch_id', 'page', 'colour']),
      );
    });

    it('keeps a manager to their branch and themselves, whatever the filters', async () => {
      const m = as(manager.bearer);
      const res = await m.get('?size=100');
      expect(res.status).toBe(200);
      const items: UserItem[] = res.body.items;
      expect(items.length).toBeGreaterThan(1);
      expect(items.every((u) => u.branch_id === branchA.id || u.id === manager.user.id)).toBe(true);
      expect(items.some((u) => u.id === manager.user.id)).toBe(true);
      expect((await m.get(`?branch_id=${branchC.id}`)).body.total).toBe(0);
      expect((await m.get('?search=sophea')).body.total).toBe(0);
    });
  });

  describe('GET /users/stats', () => {
    it("counts a manager's branch exactly", async () => {
      const branch = await makeBranch(t, { name: `Stats ${Date.now()}` });
      const boss = await t.signIn({ role: 'manager', branchId: branch.id });
      await createUser(t.app, { role: 'officer', branchId: branch.id });
      await createUser(t.app, { role: 'officer', branchId: branch.id, status: 'inactive' });
      await createUser(t.app, { role: 'viewer', branchId: branch.id });
      await createUser(t.app, { role: 'officer', branchId: branchB.id });
      const res = await as(boss.bearer).get('/stats');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        total: 4,
        active: 3,
        inactive: 1,
        by_role: { admin: 0, manager: 1, officer: 2, viewer: 1 },
        by_branch: [{ branch_id: branch.id, name: branch.name, count: 4 }],
      });
    });

    it('counts every user for an admin, by branch including users without one', async () => {
      const res = await as(admin.bearer).get('/stats');
      expect(res.status).toBe(200);
      const [expected] = await t.dataSource.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'active')::int AS active,
                count(*) FILTER (WHERE role = 'admin')::int AS admin,
                count(*) FILTER (WHERE role = 'manager')::int AS manager,
                count(*) FILTER (WHERE role = 'officer')::int AS officer,
                count(*) FILTER (WHERE role = 'viewer')::int AS viewer FROM users`,
      );
      expect(res.body).toMatchObject({
        total: expected.total,
        active: expected.active,
        inactive: expected.total - expected.active,
        by_role: {
          admin: expected.admin,
          manager: expected.manager,
          officer: expected.officer,
          viewer: expected.viewer,
        },
      });
      const byBranch: { branch_id: string | null; count: number }[] = res.body.by_branch;
      expect(byBranch.reduce((sum, row) => sum + row.count, 0)).toBe(expected.total);
      expect(byBranch.find((row) => row.branch_id === null)).toMatchObject({ name: null });
      expect(byBranch.find((row) => row.branch_id === branchA.id)?.count).toBeGreaterThan(0);
    });
  });
});
