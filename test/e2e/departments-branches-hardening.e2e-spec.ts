import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import type { Branch } from '../../src/branches/branch.entity';
import type { Department } from '../../src/departments/department.entity';
import type { User } from '../../src/users/user.entity';
import { insertApplications } from '../harness/applications-fixtures';
import { expectProblem } from '../harness/expect';
import { requestsAs } from '../harness/http';
import { createUser } from '../harness/identity';
import { makeBranch, makeDepartment } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * Issue 9, finding 7: the staff lists of departments and branches follow the users scope
 * (`users:read`, then what GET /users would list), and their figures count the applications
 * the caller may see and the users the caller may list. Every expected figure below is
 * counted by hand from the fixtures.
 *
 * Fixtures (one run, unique names):
 *   B1, B2 branches; D1, D2 departments; D1's manager is M.
 *   M   manager  B1/D1     O   officer  B1/D1     O2  officer  B1/D1
 *   I   officer  B1/D1 (inactive)                 V   viewer   B1/D2
 *   F   officer  B2/D1 (another branch, same department)       A   admin (no unit)
 *   Applications (unit: count, creator): B1/D1: 2 by O, 3 by O2; B2/D1: 4 by F;
 *   B2/D2: 1 by F assigned to M for review, 1 by F.
 */
describe('Departments and branches: staff lists and figures follow the caller (issue 9, finding 7)', () => {
  let t: TestApp;
  let run: string;
  let b1: Branch;
  let b2: Branch;
  let d1: Department;
  let d2: Department;
  const people = {} as Record<'m' | 'o' | 'o2' | 'i' | 'v' | 'f', User>;
  const bearer = {} as Record<'admin' | 'manager' | 'officer' | 'viewer', string>;

  beforeAll(async () => {
    t = await createTestApp();
    run = randomBytes(4).toString('hex');
    [b1, b2] = await Promise.all([
      makeBranch(t, { name: `Hard ${run} B1`, code: `H1${run}` }),
      makeBranch(t, { name: `Hard ${run} B2`, code: `H2${run}` }),
    ]);
    [d1, d2] = await Promise.all([
      makeDepartment(t, { name: `Hard ${run} D1`, code: `H3${run}` }),
      makeDepartment(t, { name: `Hard ${run} D2`, code: `H4${run}` }),
    ]);
    const manager = await t.signIn({ role: 'manager', branchId: b1.id, departmentId: d1.id });
    people.m = manager.user;
    await t.dataSource.query(`UPDATE departments SET manager_id = $1 WHERE id = $2`, [
      people.m.id,
      d1.id,
    ]);
    const officer = await t.signIn({ role: 'officer', branchId: b1.id, departmentId: d1.id });
    const viewer = await t.signIn({ role: 'viewer', branchId: b1.id, departmentId: d2.id });
    const admin = await t.signIn({ role: 'admin' });
    people.o = officer.user;
    people.v = viewer.user;
    people.o2 = await createUser(t.app, { role: 'officer', branchId: b1.id, departmentId: d1.id });
    people.i = await createUser(t.app, {
      role: 'officer',
      branchId: b1.id,
      departmentId: d1.id,
      status: 'inactive',
    });
    people.f = await createUser(t.app, { role: 'officer', branchId: b2.id, departmentId: d1.id });
    Object.assign(bearer, {
      admin: admin.bearer,
      manager: manager.bearer,
      officer: officer.bearer,
      viewer: viewer.bearer,
    });

    await insertApplications(t, 2, { userId: people.o.id, branchId: b1.id, departmentId: d1.id });
    await insertApplications(t, 3, { userId: people.o2.id, branchId: b1.id, departmentId: d1.id });
    await insertApplications(t, 4, { userId: people.f.id, branchId: b2.id, departmentId: d1.id });
    const [assigned] = await insertApplications(t, 1, {
      userId: people.f.id,
      branchId: b2.id,
      departmentId: d2.id,
    });
    await t.dataSource.query(
      `UPDATE customer_applications SET assigned_reviewer = $1 WHERE id = $2`,
      [people.m.id, assigned],
    );
    await insertApplications(t, 1, { userId: people.f.id, branchId: b2.id, departmentId: d2.id });
  });
  afterAll(() => t?.close());

  const get = (path: string, as: keyof typeof bearer) => requestsAs(t, bearer[as]).get(path);

  const ids = (res: Response) => (res.body as { id: string }[]).map((user) => user.id).sort();
  const sorted = (...users: User[]) => users.map((user) => user.id).sort();

  /** [application_count, user_count, active_user_count] of each unit in a list page. */
  async function listCounts(kind: 'branches' | 'departments', as: keyof typeof bearer) {
    const res = await get(`/${kind}?search=Hard%20${run}&include_counts=true`, as);
    expect(res.status).toBe(200);
    return Object.fromEntries(
      (res.body.items as Record<string, unknown>[]).map((unit) => [
        unit.name,
        [unit.application_count, unit.user_count, unit.active_user_count],
      ]),
    );
  }

  describe('GET /{departments|branches}/{id}/users', () => {
    it('is refused (403 problem) to officers and viewers', async () => {
      for (const as of ['officer', 'viewer'] as const) {
        for (const path of [`/branches/${b1.id}/users`, `/departments/${d1.id}/users`]) {
          const res = await get(path, as);
          expectProblem(res, 403);
          expect(res.text).not.toContain(people.o2.username);
        }
      }
    });

    it("lists to a manager only the users of the manager's branch (and the manager)", async () => {
      // F works in D1 but at B2: outside the manager's users scope.
      expect(ids(await get(`/departments/${d1.id}/users`, 'manager'))).toEqual(
        sorted(people.m, people.o, people.o2, people.i),
      );
      expect(ids(await get(`/branches/${b1.id}/users`, 'manager'))).toEqual(
        sorted(people.m, people.o, people.o2, people.i, people.v),
      );
      const other = await get(`/branches/${b2.id}/users`, 'manager');
      expect(other.status).toBe(200);
      expect(other.body).toEqual([]);
    });

    it('lists every user of the unit to an admin', async () => {
      expect(ids(await get(`/departments/${d1.id}/users`, 'admin'))).toEqual(
        sorted(people.m, people.o, people.o2, people.i, people.f),
      );
      expect(ids(await get(`/branches/${b2.id}/users`, 'admin'))).toEqual(sorted(people.f));
    });
  });

  describe('{id}/stats', () => {
    it("counts an officer's own applications in the unit, and no users", async () => {
      expect((await get(`/departments/${d1.id}/stats`, 'officer')).body).toEqual({
        department_id: d1.id,
        department_name: d1.name,
        user_count: 0,
        application_count: 2,
        is_active: true,
      });
      expect((await get(`/branches/${b1.id}/stats`, 'officer')).body).toEqual({
        branch_id: b1.id,
        branch_name: b1.name,
        user_count: 0,
        application_count: 2,
        is_active: true,
      });
      expect((await get(`/branches/${b2.id}/stats`, 'officer')).body).toMatchObject({
        user_count: 0,
        application_count: 0,
      });
    });

    it("counts a viewer's branch applications, and no users", async () => {
      expect((await get(`/branches/${b1.id}/stats`, 'viewer')).body).toMatchObject({
        user_count: 0,
        application_count: 5,
      });
      // D1's applications made at B1 only (not F's at B2).
      expect((await get(`/departments/${d1.id}/stats`, 'viewer')).body).toMatchObject({
        user_count: 0,
        application_count: 5,
      });
      expect((await get(`/branches/${b2.id}/stats`, 'viewer')).body).toMatchObject({
        user_count: 0,
        application_count: 0,
      });
    });

    it("counts a manager's scope: branch or department, plus assigned to them", async () => {
      expect((await get(`/departments/${d1.id}/stats`, 'manager')).body).toMatchObject({
        user_count: 4,
        application_count: 9,
      });
      // B2: F's four in D1 (the manager's department) and the one assigned to him; not the last.
      expect((await get(`/branches/${b2.id}/stats`, 'manager')).body).toMatchObject({
        user_count: 0,
        application_count: 5,
      });
    });

    it('counts everything for an admin', async () => {
      expect((await get(`/departments/${d1.id}/stats`, 'admin')).body).toMatchObject({
        user_count: 5,
        application_count: 9,
      });
      expect((await get(`/branches/${b2.id}/stats`, 'admin')).body).toMatchObject({
        user_count: 1,
        application_count: 6,
      });
    });
  });

  describe('list with include_counts=true', () => {
    it('gives each role its own figures, application_count always present', async () => {
      const name = (unit: { name: string }) => unit.name;
      expect(await listCounts('branches', 'officer')).toEqual({
        [name(b1)]: [2, 0, 0],
        [name(b2)]: [0, 0, 0],
      });
      expect(await listCounts('departments', 'officer')).toEqual({
        [name(d1)]: [2, 0, 0],
        [name(d2)]: [0, 0, 0],
      });
      expect(await listCounts('branches', 'viewer')).toEqual({
        [name(b1)]: [5, 0, 0],
        [name(b2)]: [0, 0, 0],
      });
      expect(await listCounts('departments', 'viewer')).toEqual({
        [name(d1)]: [5, 0, 0],
        [name(d2)]: [0, 0, 0],
      });
      expect(await listCounts('branches', 'manager')).toEqual({
        [name(b1)]: [5, 5, 4],
        [name(b2)]: [5, 0, 0],
      });
      expect(await listCounts('departments', 'manager')).toEqual({
        [name(d1)]: [9, 4, 3],
        [name(d2)]: [1, 1, 1],
      });
      expect(await listCounts('branches', 'admin')).toEqual({
        [name(b1)]: [5, 5, 4],
        [name(b2)]: [6, 1, 1],
      });
      expect(await listCounts('departments', 'admin')).toEqual({
        [name(d1)]: [9, 5, 4],
        [name(d2)]: [2, 1, 1],
      });
    });
  });

  describe('GET /departments/{id}/with-relations', () => {
    it('gives an officer his own application count, no users, and the manager', async () => {
      const res = await get(`/departments/${d1.id}/with-relations`, 'officer');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        manager_id: people.m.id,
        manager: {
          id: people.m.id,
          first_name: people.m.firstName,
          last_name: people.m.lastName,
        },
        user_count: 0,
        active_user_count: 0,
        application_count: 2,
        users: [],
      });
    });

    it("gives a viewer the branch's applications and no users", async () => {
      expect((await get(`/departments/${d1.id}/with-relations`, 'viewer')).body).toMatchObject({
        user_count: 0,
        active_user_count: 0,
        application_count: 5,
        users: [],
      });
    });

    it('gives a manager only the users he may list', async () => {
      const res = await get(`/departments/${d1.id}/with-relations`, 'manager');
      expect(res.body).toMatchObject({ user_count: 4, active_user_count: 3, application_count: 9 });
      expect(ids({ body: res.body.users } as Response)).toEqual(
        sorted(people.m, people.o, people.o2, people.i),
      );
    });

    it('gives an admin everything', async () => {
      const res = await get(`/departments/${d1.id}/with-relations`, 'admin');
      expect(res.body).toMatchObject({ user_count: 5, active_user_count: 4, application_count: 9 });
      expect(ids({ body: res.body.users } as Response)).toEqual(
        sorted(people.m, people.o, people.o2, people.i, people.f),
      );
    });
  });

  it('GET /{id} counts only the users the caller may list', async () => {
    expect((await get(`/departments/${d1.id}`, 'officer')).body).toMatchObject({
      manager: { id: people.m.id },
      user_count: 0,
      active_user_count: 0,
    });
    expect((await get(`/branches/${b1.id}`, 'viewer')).body).toMatchObject({
      user_count: 0,
      active_user_count: 0,
    });
    expect((await get(`/departments/${d1.id}`, 'manager')).body).toMatchObject({
      user_count: 4,
      active_user_count: 3,
    });
    expect((await get(`/departments/${d1.id}`, 'admin')).body).toMatchObject({
      user_count: 5,
      active_user_count: 4,
    });
  });
});
