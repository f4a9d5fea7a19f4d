import { compareSync } from 'bcryptjs';
import { ClsService } from 'nestjs-cls';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Branch } from '../../src/branches/branch.entity';
import type { Department } from '../../src/departments/department.entity';
import type { Position } from '../../src/positions/position.entity';
import type { CreateUserDto } from '../../src/users/dto/create-user.dto';
import { User } from '../../src/users/user.entity';
import { UsersService } from '../../src/users/users.service';
import { insertApplications } from '../harness/applications-fixtures';
import { auditRows } from '../harness/audit';
import { expectNoSecrets, expectProblem } from '../harness/expect';
import { requestsAs } from '../harness/http';
import { type Actor, bearerFor, createUser, TEST_PASSWORD } from '../harness/identity';
import { makeBranch, makeDepartment, makePosition } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { newUserBody } from '../harness/users-fixtures';

/** SPEC §7 "Users": creation, reads, updates, /users/me, passwords and deletion (as an admin). */
describe('Users', () => {
  let t: TestApp;
  let admin: Actor;
  let branch: Branch;
  let department: Department;
  let position: Position;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
    branch = await makeBranch(t);
    department = await makeDepartment(t);
    position = await makePosition(t);
  });
  afterAll(() => t?.close());

  const createAs = (bearer: string, body: Record<string, unknown>) =>
    requestsAs(t, bearer).post('/users', body);

  describe('refusals before any rule', () => {
    it('401 for every route without a token', async () => {
      const id = randomUUID();
      const routes = [
        t.http.get('/api/v1/users'),
        t.http.post('/api/v1/users').send(newUserBody()),
        t.http.get('/api/v1/users/stats'),
        t.http.get('/api/v1/users/me'),
        t.http.patch('/api/v1/users/me').send({ first_name: 'x' }),
        t.http.patch('/api/v1/users/me/change-password').send({}),
        t.http.get(`/api/v1/users/${id}`),
        t.http.put(`/api/v1/users/${id}`).send({}),
        t.http.patch(`/api/v1/users/${id}`).send({}),
        t.http.delete(`/api/v1/users/${id}`),
        t.http.post(`/api/v1/users/${id}/unlock`),
        t.http.delete(`/api/v1/users/${id}/sessions`),
      ];
      for (const res of await Promise.all(routes)) {
        expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it.each(['officer', 'viewer'] as const)(
      '403 for the %s role everywhere but /users/me, even on their own id',
      async (role) => {
        const { user, bearer } = await t.signIn({ role, branchId: branch.id });
        const other = await createUser(t.app, { branchId: branch.id });
        const routes = [
          t.http.get('/api/v1/users'),
          t.http.post('/api/v1/users').send(newUserBody()),
          t.http.get('/api/v1/users/stats'),
          t.http.get(`/api/v1/users/${user.id}`),
          t.http.get(`/api/v1/users/${other.id}`),
          t.http.patch(`/api/v1/users/${user.id}`).send({ first_name: 'Me' }),
          t.http.put(`/api/v1/users/${other.id}`).send({ first_name: 'You' }),
          t.http.delete(`/api/v1/users/${other.id}`),
          t.http.post(`/api/v1/users/${other.id}/unlock`),
          t.http.delete(`/api/v1/users/${other.id}/sessions`),
        ];
        for (const res of await Promise.all(routes.map((r) => r.set('Authorization', bearer)))) {
          expectProblem(res, 403);
          expect(res.body.detail).toContain(role);
        }
        const me = await t.http.get('/api/v1/users/me').set('Authorization', bearer);
        expect(me.status).toBe(200);
        expect(me.body.id).toBe(user.id);
      },
    );

    it('422 for a malformed UUID in the path, 404 for an unknown one', async () => {
      for (const res of await Promise.all([
        t.http.get('/api/v1/users/not-a-uuid').set('Authorization', admin.bearer),
        t.http.patch('/api/v1/users/123').set('Authorization', admin.bearer).send({}),
        t.http.delete('/api/v1/users/123').set('Authorization', admin.bearer),
        t.http.post('/api/v1/users/123/unlock').set('Authorization', admin.bearer),
        t.http.delete('/api/v1/users/123/sessions').set('Authorization', admin.bearer),
      ])) {
        expectProblem(res, 422);
        expect(res.body.errors).toEqual([
          { loc: ['path', 'id'], msg: 'must be a UUID', type: 'isUuid' },
        ]);
      }
      const missing = randomUUID();
      for (const res of await Promise.all([
        t.http.get(`/api/v1/users/${missing}`).set('Authorization', admin.bearer),
        t.http.patch(`/api/v1/users/${missing}`).set('Authorization', admin.bearer).send({}),
        t.http.delete(`/api/v1/users/${missing}`).set('Authorization', admin.bearer),
        t.http.post(`/api/v1/users/${missing}/unlock`).set('Authorization', admin.bearer),
        t.http.delete(`/api/v1/users/${missing}/sessions`).set('Authorization', admin.bearer),
      ])) {
        expectProblem(res, 404);
        expect(res.body.detail).toBe('User not found.');
      }
    });
  });

  describe('POST /users', () => {
    it('creates a user with nested organisation, ETag, no password hash, and an audit event', async () => {
      const body = newUserBody({
        phone_number: '+855 12 345 678',
        employee_id: '0042',
        role: 'manager',
        department_id: department.id,
        branch_id: branch.id,
        position_id: position.id,
        profile_image_url: 'https://cdn.example.test/a.png',
      });
      const res = await createAs(admin.bearer, body);
      expect(res.status).toBe(201);
      expectNoSecrets(res);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: body.username,
        email: body.email,
        first_name: 'Dara',
        last_name: body.last_name,
        phone_number: '+855 12 345 678',
        employee_id: '0042',
        role: 'manager',
        status: 'active',
        is_active: true,
        department_id: department.id,
        branch_id: branch.id,
        position_id: position.id,
        department: { id: department.id, name: department.name, code: department.code },
        branch: { id: branch.id, name: branch.name, code: branch.code },
        position: { id: position.id, name: position.name },
        profile_image_url: 'https://cdn.example.test/a.png',
        last_login_at: null,
        version: 1,
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
      });
      expect(res.headers.etag).toBe('"1"');
      const stored = await t.dataSource.getRepository(User).findOneByOrFail({ id: res.body.id });
      expect(compareSync('Str0ngPassword', stored.passwordHash)).toBe(true);
      const [event] = await auditRows(t, { entityId: res.body.id, action: 'user.created' });
      expect(event).toMatchObject({
        actor_id: admin.user.id,
        entity_type: 'user',
        branch_id: branch.id,
        department_id: department.id,
        details: { username: body.username, role: 'manager' },
      });
    });

    it('defaults role to officer, status to active, optional "" to null; answers on /users/ too', async () => {
      const res = await t.http
        .post('/api/v1/users/')
        .set('Authorization', admin.bearer)
        .send(
          newUserBody({
            phone_number: '',
            employee_id: '',
            department_id: '',
            branch_id: '',
            position_id: '',
            profile_image_url: ' ',
          }),
        );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        role: 'officer',
        status: 'active',
        is_active: true,
        phone_number: null,
        employee_id: null,
        department: null,
        branch: null,
        position: null,
        profile_image_url: null,
      });
    });

    it('mirrors is_active and status; both given and disagreeing is 422', async () => {
      const inactive = await createAs(admin.bearer, newUserBody({ is_active: false }));
      expect(inactive.status).toBe(201);
      expect(inactive.body).toMatchObject({ status: 'inactive', is_active: false });
      const byStatus = await createAs(admin.bearer, newUserBody({ status: 'inactive' }));
      expect(byStatus.body).toMatchObject({ status: 'inactive', is_active: false });
      const agreeing = await createAs(
        admin.bearer,
        newUserBody({ status: 'active', is_active: true }),
      );
      expect(agreeing.status).toBe(201);
      const clash = await createAs(
        admin.bearer,
        newUserBody({ status: 'active', is_active: false }),
      );
      expectProblem(clash, 422);
      expect(clash.body.errors[0].loc).toEqual(['body', 'is_active']);
    });

    it('409 for a duplicate username (other case), email (other case) or employee id', async () => {
      const first = await createAs(
        admin.bearer,
        newUserBody({ username: 'Chantha.K', email: 'Chantha@Example.test', employee_id: '7001' }),
      );
      expect(first.status).toBe(201);
      const username = await createAs(admin.bearer, newUserBody({ username: 'chantha.k' }));
      expectProblem(username, 409);
      expect(username.body.detail).toBe('Another user with the same username already exists.');
      expect(username.body.fields).toEqual(['username']);
      const email = await createAs(admin.bearer, newUserBody({ email: 'chantha@EXAMPLE.test' }));
      expectProblem(email, 409);
      expect(email.body.detail).toBe('Another user with the same email already exists.');
      const employee = await createAs(admin.bearer, newUserBody({ employee_id: '7001' }));
      expectProblem(employee, 409);
      expect(employee.body.fields).toEqual(['employee_id']);
      expect(JSON.stringify([username.body, email.body, employee.body])).not.toMatch(
        /chantha|7001/i,
      );
    });

    it('422 listing each password rule not met', async () => {
      const res = await createAs(admin.bearer, newUserBody({ password: 'abc' }));
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([
        {
          loc: ['body', 'password'],
          msg: 'must be at least 8 characters long',
          type: 'password_rule',
        },
        {
          loc: ['body', 'password'],
          msg: 'must contain an upper-case letter',
          type: 'password_rule',
        },
        { loc: ['body', 'password'], msg: 'must contain a digit', type: 'password_rule' },
      ]);
      expect(res.body.detail).toContain('password');
      const longUtf8 = await createAs(
        admin.bearer,
        newUserBody({ password: `Aa1${'ñ'.repeat(40)}` }),
      );
      expect(longUtf8.body.errors).toEqual([
        expect.objectContaining({ msg: 'must be at most 72 bytes long' }),
      ]);
    });

    it('422 for invalid fields, unknown fields, huge strings and missing ones', async () => {
      const res = await createAs(
        admin.bearer,
        newUserBody({
          username: 'no spaces',
          email: 'not-an-email',
          employee_id: '12a4',
          role: 'root',
          status: 'gone',
          department_id: 'nope',
          profile_image_url: 'javascript:alert(1)',
          phone_number: 'call me',
          password_hash: 'x',
          version: 7,
        }),
      );
      expectProblem(res, 422);
      const fields = res.body.errors.map((e: { loc: string[] }) => e.loc[1]);
      expect(fields).toEqual(
        expect.arrayContaining([
          'username',
          'email',
          'employee_id',
          'role',
          'status',
          'department_id',
          'profile_image_url',
          'phone_number',
          'password_hash',
          'version',
        ]),
      );
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { loc: ['body', 'password_hash'], msg: 'is not an allowed field', type: 'unknown_field' },
        ]),
      );
      const huge = 'x'.repeat(100_000);
      for (const field of ['username', 'first_name', 'last_name', 'email', 'password']) {
        const tooLong = await createAs(admin.bearer, newUserBody({ [field]: huge }));
        expectProblem(tooLong, 422);
        expect(tooLong.body.errors[0].loc).toEqual(['body', field]);
      }
      const short = await createAs(admin.bearer, newUserBody({ username: 'ab' }));
      expect(short.body.errors[0]).toMatchObject({ loc: ['body', 'username'], type: 'minLength' });
      const empty = await createAs(admin.bearer, {});
      expectProblem(empty, 422);
      expect(empty.body.errors.map((e: { loc: string[] }) => e.loc[1])).toEqual(
        expect.arrayContaining(['username', 'email', 'password', 'first_name', 'last_name']),
      );
    });

    it('422 naming each organisation reference that points nowhere', async () => {
      const res = await createAs(
        admin.bearer,
        newUserBody({
          department_id: randomUUID(),
          branch_id: branch.id,
          position_id: randomUUID(),
        }),
      );
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([
        {
          loc: ['body', 'department_id'],
          msg: expect.stringContaining('does not exist'),
          type: 'foreign_key',
        },
        {
          loc: ['body', 'position_id'],
          msg: expect.stringContaining('does not exist'),
          type: 'foreign_key',
        },
      ]);
    });

    it('replays a create with the same Idempotency-Key', async () => {
      const body = newUserBody();
      const key = `users-${randomUUID()}`;
      const one = await createAs(admin.bearer, body).set('Idempotency-Key', key);
      const two = await createAs(admin.bearer, body).set('Idempotency-Key', key);
      expect(one.status).toBe(201);
      expect(two.status).toBe(201);
      expect(two.headers['idempotent-replayed']).toBe('true');
      expect(two.body.id).toBe(one.body.id);
      expect(await auditRows(t, { entityId: one.body.id, action: 'user.created' })).toHaveLength(1);
      const other = await createAs(admin.bearer, newUserBody()).set('Idempotency-Key', key);
      expectProblem(other, 422);
    });
  });

  describe('UsersService.create without an actor (first-admin set-up)', () => {
    it('applies password rules and uniqueness, writes the audit event with no actor', async () => {
      const users = t.app.get(UsersService);
      const cls = t.app.get(ClsService);
      const create = (body: Record<string, unknown>) =>
        cls.run(() => users.create(body as unknown as CreateUserDto, null));
      const created = await create(newUserBody({ role: 'admin', branch_id: branch.id }));
      expect(created).toMatchObject({ role: 'admin', status: 'active', branch_id: branch.id });
      const [event] = await auditRows(t, { entityId: created.id, action: 'user.created' });
      expect(event).toMatchObject({
        actor_id: null,
        actor_name: null,
        details: { role: 'admin', first_admin: true },
      });
      await expect(create(newUserBody({ password: 'weak' }))).rejects.toMatchObject({
        status: 422,
      });
      await expect(
        create(newUserBody({ username: created.username.toUpperCase() })),
      ).rejects.toThrow(/duplicate key/);
      await expect(create(newUserBody({ role: 'admin', is_active: false }))).rejects.toMatchObject({
        status: 422,
        problem: { errors: [expect.objectContaining({ loc: ['body', 'status'] })] },
      });
    });
  });

  describe('GET /users/{id} and /users/me', () => {
    it('returns the user with an ETag, and /users/me the caller', async () => {
      const user = await createUser(t.app, {
        branchId: branch.id,
        departmentId: department.id,
        positionId: position.id,
      });
      const res = await t.http.get(`/api/v1/users/${user.id}`).set('Authorization', admin.bearer);
      expect(res.status).toBe(200);
      expectNoSecrets(res);
      expect(res.headers.etag).toBe(`"${user.version}"`);
      expect(res.body).toMatchObject({
        id: user.id,
        username: user.username,
        branch: { id: branch.id, name: branch.name, code: branch.code },
        department: { id: department.id },
        position: { id: position.id, name: position.name },
      });
      const me = await t.http.get('/api/v1/users/me').set('Authorization', admin.bearer);
      expect(me.status).toBe(200);
      expectNoSecrets(me);
      expect(me.body).toMatchObject({ id: admin.user.id, role: 'admin' });
      expect(me.headers.etag).toBe(`"${me.body.version}"`);
    });
  });

  it('a list item is the same answer as GET /users/{id}, with units and without', async () => {
    const placed = await createUser(t.app, {
      branchId: branch.id,
      departmentId: department.id,
      positionId: position.id,
    });
    const unplaced = await createUser(t.app, {});
    const signedIn = await t.signIn({ role: 'officer', branchId: branch.id });
    for (const user of [placed, unplaced, signedIn.user]) {
      const one = await t.http.get(`/api/v1/users/${user.id}`).set('Authorization', admin.bearer);
      const list = await t.http
        .get(`/api/v1/users?search=${encodeURIComponent(user.username)}`)
        .set('Authorization', admin.bearer);
      expect(list.status).toBe(200);
      expectNoSecrets(list);
      expect(list.body.total).toBe(1);
      expect(list.body.items).toEqual([one.body]);
    }
    expect(
      (await t.http.get(`/api/v1/users/${unplaced.id}`).set('Authorization', admin.bearer)).body,
    ).toMatchObject({ department: null, branch: null, position: null });
  });

  describe('PATCH and PUT /users/{id}', () => {
    it('changes only the fields given, bumps the version, honours If-Match, audits the changes', async () => {
      const user = await createUser(t.app, { branchId: branch.id, phoneNumber: '012' });
      const patch = await t.http
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .set('If-Match', '"1"')
        .send({ first_name: 'Bopha', phone_number: '', department_id: department.id });
      expect(patch.status).toBe(200);
      expectNoSecrets(patch);
      expect(patch.body).toMatchObject({
        first_name: 'Bopha',
        last_name: user.lastName,
        phone_number: null,
        branch_id: branch.id,
        department: { id: department.id },
        version: 2,
      });
      expect(patch.headers.etag).toBe('"2"');
      const stale = await t.http
        .put(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .set('If-Match', '"1"')
        .send({ last_name: 'Stale' });
      expectProblem(stale, 412);
      expect(stale.body.current_version).toBe(2);
      const put = await t.http
        .put(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .set('If-Match', '"2"')
        .send({ last_name: 'Keo' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ first_name: 'Bopha', last_name: 'Keo', version: 3 });
      const unchanged = await t.http
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .send({ last_name: 'Keo' });
      expect(unchanged.body.version).toBe(3);
      const events = await auditRows(t, { entityId: user.id, action: 'user.updated' });
      expect(events).toHaveLength(2);
      expect(events[0]).toMatchObject({
        actor_id: admin.user.id,
        branch_id: branch.id,
        details: {
          changes: {
            first_name: { from: 'Test', to: 'Bopha' },
            phone_number: { from: '012', to: null },
            department_id: { from: null, to: department.id },
          },
        },
      });
    });

    it('audits a role change as user.role_changed with from and to', async () => {
      const user = await createUser(t.app, { role: 'officer' });
      const res = await t.http
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .send({ role: 'manager' });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('manager');
      const [event] = await auditRows(t, { entityId: user.id, action: 'user.role_changed' });
      expect(event.details).toEqual({ from: 'officer', to: 'manager' });
      expect(await auditRows(t, { entityId: user.id, action: 'user.updated' })).toHaveLength(0);
    });

    it('refuses your own role change (403) and deactivating yourself (409)', async () => {
      const self = await t.signIn('admin');
      const role = await t.http
        .patch(`/api/v1/users/${self.user.id}`)
        .set('Authorization', self.bearer)
        .send({ role: 'viewer' });
      expectProblem(role, 403);
      expect(role.body.detail).toBe('You cannot change your own role.');
      for (const body of [{ status: 'inactive' }, { is_active: false }]) {
        const res = await t.http
          .patch(`/api/v1/users/${self.user.id}`)
          .set('Authorization', self.bearer)
          .send(body);
        expectProblem(res, 409);
      }
      const password = await t.http
        .patch(`/api/v1/users/${self.user.id}`)
        .set('Authorization', self.bearer)
        .send({ password: 'An0therPassword' });
      expectProblem(password, 403);
      expect(password.body.detail).toContain('change-password');
      // Names of your own record are fine, and the same role sent back is not a change.
      const names = await t.http
        .patch(`/api/v1/users/${self.user.id}`)
        .set('Authorization', self.bearer)
        .send({ first_name: 'Self', role: 'admin' });
      expect(names.status).toBe(200);
    });

    it('deactivation ends the user’s sessions (their bearer gets 401) and is audited', async () => {
      const target = await t.signIn('officer');
      expect(
        (await t.http.get('/api/v1/users/me').set('Authorization', target.bearer)).status,
      ).toBe(200);
      const res = await t.http
        .patch(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer)
        .send({ is_active: false });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'inactive', is_active: false });
      const after = await t.http.get('/api/v1/users/me').set('Authorization', target.bearer);
      expectProblem(after, 401);
      const [event] = await auditRows(t, { entityId: target.user.id, action: 'user.deactivated' });
      expect(event).toMatchObject({
        from_status: 'active',
        to_status: 'inactive',
        details: { sessions_revoked: 1 },
      });
      const open: { count: number }[] = await t.dataSource.query(
        'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
        [target.user.id],
      );
      expect(open[0].count).toBe(0);
      // Reactivating is an ordinary update.
      const back = await t.http
        .patch(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer)
        .send({ status: 'active' });
      expect(back.body.is_active).toBe(true);
      const [updated] = await auditRows(t, { entityId: target.user.id, action: 'user.updated' });
      expect(updated).toMatchObject({ from_status: 'inactive', to_status: 'active' });
    });

    it('a password set follows the rules, ends their sessions and is audited', async () => {
      const target = await t.signIn('viewer');
      const weak = await t.http
        .patch(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer)
        .send({ password: 'weakweak' });
      expectProblem(weak, 422);
      expect(weak.body.errors.map((e: { loc: string[] }) => e.loc)).toEqual([
        ['body', 'password'],
        ['body', 'password'],
      ]);
      const res = await t.http
        .patch(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer)
        .send({ password: 'Fresh1Password' });
      expect(res.status).toBe(200);
      expectNoSecrets(res);
      expectProblem(await t.http.get('/api/v1/users/me').set('Authorization', target.bearer), 401);
      const stored = await t.dataSource.getRepository(User).findOneByOrFail({ id: target.user.id });
      expect(compareSync('Fresh1Password', stored.passwordHash)).toBe(true);
      const [event] = await auditRows(t, { entityId: target.user.id, action: 'user.password_set' });
      expect(event).toMatchObject({ actor_id: admin.user.id, details: { sessions_revoked: 1 } });
      expect(JSON.stringify(await auditRows(t, { entityId: target.user.id }))).not.toMatch(
        /Fresh1Password|\$2[aby]\$/,
      );
    });

    it('422 for unknown fields, null in a required column, and contradicting status', async () => {
      const user = await createUser(t.app);
      const res = await t.http
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .send({
          first_name: null,
          created_at: '2020-01-01T00:00:00Z',
          status: 'inactive',
          is_active: true,
        });
      expectProblem(res, 422);
      expect(res.body.errors.map((e: { loc: string[] }) => e.loc[1])).toEqual(
        expect.arrayContaining(['first_name', 'created_at']),
      );
      const clash = await t.http
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .send({ status: 'inactive', is_active: true });
      expectProblem(clash, 422);
      expect(clash.body.errors[0].loc).toEqual(['body', 'is_active']);
      const missingBranch = await t.http
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .send({ branch_id: randomUUID() });
      expectProblem(missingBranch, 422);
      expect(missingBranch.body.errors[0].loc).toEqual(['body', 'branch_id']);
      const dup = await t.http
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .send({ email: admin.user.email.toUpperCase() });
      expectProblem(dup, 409);
    });
  });

  describe('/users/me', () => {
    it('edits names, phone, email and profile image, and nothing else', async () => {
      const { user, bearer } = await t.signIn({ role: 'officer', branchId: branch.id });
      const res = await t.http
        .patch('/api/v1/users/me')
        .set('Authorization', bearer)
        .set('If-Match', `"${user.version}"`)
        .send({
          first_name: ' Srey ',
          last_name: 'Mom',
          phone_number: '+855 99 000 111',
          email: `me_${user.id.slice(0, 8)}@example.test`,
          profile_image_url: 'http://localhost:9000/avatars/me.png',
        });
      expect(res.status).toBe(200);
      expectNoSecrets(res);
      expect(res.body).toMatchObject({
        first_name: 'Srey',
        last_name: 'Mom',
        phone_number: '+855 99 000 111',
        profile_image_url: 'http://localhost:9000/avatars/me.png',
        version: user.version + 1,
      });
      for (const field of [
        { role: 'admin' },
        { status: 'inactive' },
        { is_active: false },
        { branch_id: branch.id },
        { department_id: null },
        { position_id: null },
        { employee_id: '1234' },
        { username: 'renamed' },
        { password: 'Str0ngPassword' },
      ]) {
        const refused = await t.http
          .patch('/api/v1/users/me')
          .set('Authorization', bearer)
          .send(field);
        expectProblem(refused, 422);
        expect(refused.body.errors).toEqual([
          {
            loc: ['body', Object.keys(field)[0]],
            msg: 'is not an allowed field',
            type: 'unknown_field',
          },
        ]);
      }
      const stale = await t.http
        .patch('/api/v1/users/me')
        .set('Authorization', bearer)
        .set('If-Match', `"${user.version}"`)
        .send({ first_name: 'Late' });
      expectProblem(stale, 412);
      const taken = await t.http
        .patch('/api/v1/users/me')
        .set('Authorization', bearer)
        .send({ email: admin.user.email });
      expectProblem(taken, 409);
      const [event] = await auditRows(t, { entityId: user.id, action: 'user.updated' });
      expect(event.actor_id).toBe(user.id);
    });

    it('change-password keeps the current session, ends the others, and is audited', async () => {
      const user = await createUser(t.app, { role: 'viewer' });
      const current = await bearerFor(t.app, user);
      const other = await bearerFor(t.app, user);
      const wrong = await t.http
        .patch('/api/v1/users/me/change-password')
        .set('Authorization', current)
        .send({ old_password: 'not-it', new_password: 'Brand9New' });
      expectProblem(wrong, 422);
      expect(wrong.body.errors).toEqual([
        {
          loc: ['body', 'old_password'],
          msg: 'is not your current password',
          type: 'invalid_password',
        },
      ]);
      const weak = await t.http
        .patch('/api/v1/users/me/change-password')
        .set('Authorization', current)
        .send({ old_password: TEST_PASSWORD, new_password: 'short' });
      expectProblem(weak, 422);
      expect(weak.body.errors[0]).toMatchObject({
        loc: ['body', 'new_password'],
        type: 'password_rule',
      });
      const same = await t.http
        .patch('/api/v1/users/me/change-password')
        .set('Authorization', current)
        .send({ old_password: TEST_PASSWORD, new_password: TEST_PASSWORD });
      expectProblem(same, 422);
      const missing = await t.http
        .patch('/api/v1/users/me/change-password')
        .set('Authorization', current)
        .send({ new_password: 'Brand9New' });
      expect(missing.body.errors[0].loc).toEqual(['body', 'old_password']);
      // Nothing changed so far: both sessions still work.
      expect((await t.http.get('/api/v1/users/me').set('Authorization', other)).status).toBe(200);

      const res = await t.http
        .patch('/api/v1/users/me/change-password')
        .set('Authorization', current)
        .send({ old_password: TEST_PASSWORD, new_password: 'Brand9New' });
      expect(res.status).toBe(204);
      expect((await t.http.get('/api/v1/users/me').set('Authorization', current)).status).toBe(200);
      expectProblem(await t.http.get('/api/v1/users/me').set('Authorization', other), 401);
      const stored = await t.dataSource.getRepository(User).findOneByOrFail({ id: user.id });
      expect(compareSync('Brand9New', stored.passwordHash)).toBe(true);
      const [event] = await auditRows(t, { entityId: user.id, action: 'user.password_changed' });
      expect(event).toMatchObject({ actor_id: user.id, details: { other_sessions_revoked: 1 } });
    });
  });

  describe('DELETE /users/{id}', () => {
    it('204 and the row is gone when the user owns nothing; audited', async () => {
      const target = await t.signIn('officer');
      const res = await t.http
        .delete(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(await t.dataSource.getRepository(User).findOneBy({ id: target.user.id })).toBeNull();
      const [event] = await auditRows(t, { entityId: target.user.id, action: 'user.deleted' });
      expect(event).toMatchObject({
        actor_id: admin.user.id,
        details: { username: target.user.username },
      });
      expectProblem(
        await t.http.get(`/api/v1/users/${target.user.id}`).set('Authorization', admin.bearer),
        404,
      );
      expectProblem(await t.http.get('/api/v1/users/me').set('Authorization', target.bearer), 401);
    });

    it('200 {id, status: inactive, detail} and sessions ended when the user manages a unit', async () => {
      const target = await t.signIn('manager');
      await makeDepartment(t, { managerId: target.user.id });
      await makeBranch(t, { managerId: target.user.id });
      const res = await t.http
        .delete(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: target.user.id,
        status: 'inactive',
        detail: expect.stringContaining('deactivated'),
      });
      expect(res.body.detail).toContain('(departments or branches they manage)');
      const stored = await t.dataSource.getRepository(User).findOneByOrFail({ id: target.user.id });
      expect(stored.status).toBe('inactive');
      expectProblem(await t.http.get('/api/v1/users/me').set('Authorization', target.bearer), 401);
      const [event] = await auditRows(t, { entityId: target.user.id, action: 'user.deactivated' });
      expect(event).toMatchObject({
        from_status: 'active',
        to_status: 'inactive',
        details: { owned_records: ['managed_units'], sessions_revoked: 1 },
      });
    });

    it('200 inactive, sessions ended and rows kept when the user created an application', async () => {
      const target = await t.signIn('officer');
      const second = await bearerFor(t.app, target.user);
      const [applicationId] = await insertApplications(t, 1, {
        userId: target.user.id,
        branchId: branch.id,
        departmentId: department.id,
      });
      const res = await t.http
        .delete(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: target.user.id,
        status: 'inactive',
        detail: expect.stringContaining('deactivated instead of deleted'),
      });
      expect(res.body.detail).toContain('(loan applications)');
      const stored = await t.dataSource.getRepository(User).findOneByOrFail({ id: target.user.id });
      expect(stored.status).toBe('inactive');
      const sessions: { revoked_at: Date | null }[] = await t.dataSource.query(
        `SELECT revoked_at FROM sessions WHERE user_id = $1`,
        [target.user.id],
      );
      expect(sessions).toHaveLength(2);
      expect(sessions.every((session) => session.revoked_at !== null)).toBe(true);
      for (const bearer of [target.bearer, second]) {
        expectProblem(await t.http.get('/api/v1/users/me').set('Authorization', bearer), 401);
      }
      const [application] = await t.dataSource.query(
        `SELECT user_id FROM customer_applications WHERE id = $1`,
        [applicationId],
      );
      expect(application).toEqual({ user_id: target.user.id });
      const [event] = await auditRows(t, { entityId: target.user.id, action: 'user.deactivated' });
      expect(event).toMatchObject({
        actor_id: admin.user.id,
        details: {
          reason: 'delete_requested_owns_records',
          owned_records: ['applications'],
          sessions_revoked: 2,
        },
      });
      expect(await auditRows(t, { entityId: target.user.id, action: 'user.deleted' })).toEqual([]);

      // Asked again: still answered with the deactivation, nothing else changes.
      const again = await t.http
        .delete(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: target.user.id, status: 'inactive' });
    });

    /**
     * Every column that refers to a user without ON DELETE, with a row that names the target
     * there. The catalogue test below keeps this list equal to the database's foreign keys.
     */
    type ReferringRow = [
      table: string,
      column: string,
      kind: string,
      insert: (userId: string) => Promise<unknown>,
    ];
    const referringRows: ReferringRow[] = [
      [
        'customer_applications',
        'user_id',
        'applications',
        (userId) => insertApplications(t, 1, { userId }),
      ],
      ...(['assigned_reviewer', 'submitted_by', 'approved_by', 'rejected_by'] as const).map(
        (column): ReferringRow => [
          'customer_applications',
          column,
          'applications',
          (userId) =>
            t.dataSource.query(
              `INSERT INTO customer_applications (user_id, ${column}, status, currency)
               VALUES ($1, $2, 'draft', 'USD')`,
              [admin.user.id, userId],
            ),
        ],
      ),
      [
        'customers',
        'created_by',
        'customers',
        (userId) =>
          t.dataSource.query(
            `INSERT INTO customers (id_card_type, id_number, id_number_hash, created_by)
           VALUES ('passport', 'opaque', $1, $2)`,
            [randomBytes(32).toString('hex'), userId],
          ),
      ],
      [
        'folders',
        'created_by',
        'folders',
        (userId) =>
          t.dataSource.query(`INSERT INTO folders (name, created_by) VALUES ('borrower', $1)`, [
            userId,
          ]),
      ],
      [
        'files',
        'uploaded_by',
        'files',
        (userId) =>
          t.dataSource.query(
            `INSERT INTO files (filename, original_filename, file_path, file_size, mime_type, uploaded_by)
           VALUES ('a.pdf', 'a.pdf', $1, 1, 'application/pdf', $2)`,
            [`test/${randomUUID()}.pdf`, userId],
          ),
      ],
    ];

    it.each(referringRows)(
      '200 inactive instead of a foreign-key failure when %s.%s names the user',
      async (_table, _column, kind, insertRow) => {
        const target = await t.signIn('manager');
        await insertRow(target.user.id);
        const res = await t.http
          .delete(`/api/v1/users/${target.user.id}`)
          .set('Authorization', admin.bearer);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: target.user.id, status: 'inactive' });
        const stored = await t.dataSource
          .getRepository(User)
          .findOneByOrFail({ id: target.user.id });
        expect(stored.status).toBe('inactive');
        expectProblem(
          await t.http.get('/api/v1/users/me').set('Authorization', target.bearer),
          401,
        );
        const [event] = await auditRows(t, {
          entityId: target.user.id,
          action: 'user.deactivated',
        });
        expect(event.details).toMatchObject({ owned_records: [kind] });
      },
    );

    it('covers every foreign key to users that would refuse the delete', async () => {
      const keys: { table: string; column: string }[] = await t.dataSource.query(
        `SELECT c.conrelid::regclass::text AS table, a.attname AS column
           FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
          WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass
            AND c.confdeltype IN ('a', 'r')
          ORDER BY 1, 2`,
      );
      expect(keys.map(({ table, column }) => `${table}.${column}`)).toEqual(
        referringRows.map(([table, column]) => `${table}.${column}`).sort(),
      );
    });

    it('names every kind of record the user still has', async () => {
      const target = await t.signIn('officer');
      await makeBranch(t, { managerId: target.user.id });
      await insertApplications(t, 1, { userId: target.user.id });
      await referringRows.find(([table]) => table === 'files')![3](target.user.id);
      const res = await t.http
        .delete(`/api/v1/users/${target.user.id}`)
        .set('Authorization', admin.bearer);
      expect(res.status).toBe(200);
      expect(res.body.detail).toBe(
        `${target.user.username} still has records (departments or branches they manage, loan ` +
          'applications and files), so the account was deactivated instead of deleted and its ' +
          'sessions were ended.',
      );
    });

    it('409 deleting yourself', async () => {
      const self = await t.signIn('admin');
      const res = await t.http
        .delete(`/api/v1/users/${self.user.id}`)
        .set('Authorization', self.bearer);
      expectProblem(res, 409);
      expect(res.body.detail).toBe('You cannot delete your own account.');
    });
  });

  describe('operator routes', () => {
    it('unlock removes the failed logins counted against the account (not others), audited', async () => {
      const user = await createUser(t.app, { username: `Locked_${Date.now()}` });
      const keys = [`user:${user.id}`, 'name:someone-else'];
      for (const key of keys) {
        await t.dataSource.query(
          `INSERT INTO login_failures (username_key, ip) SELECT $1, '10.0.0.1' FROM generate_series(1, 6)`,
          [key],
        );
      }
      const res = await t.http
        .post(`/api/v1/users/${user.id}/unlock`)
        .set('Authorization', admin.bearer);
      expect(res.status).toBe(204);
      const rows: { username_key: string; count: number }[] = await t.dataSource.query(
        `SELECT username_key, count(*)::int AS count FROM login_failures
          WHERE username_key = ANY($1) GROUP BY username_key`,
        [keys],
      );
      expect(rows).toEqual([{ username_key: 'name:someone-else', count: 6 }]);
      const [event] = await auditRows(t, { entityId: user.id, action: 'user.unlocked' });
      expect(event).toMatchObject({ details: { failures_cleared: 6 } });
    });

    it('DELETE /users/{id}/sessions ends every session of theirs, audited', async () => {
      const user = await createUser(t.app);
      const one = await bearerFor(t.app, user);
      const two = await bearerFor(t.app, user);
      const res = await t.http
        .delete(`/api/v1/users/${user.id}/sessions`)
        .set('Authorization', admin.bearer);
      expect(res.status).toBe(204);
      for (const bearer of [one, two]) {
        expectProblem(await t.http.get('/api/v1/users/me').set('Authorization', bearer), 401);
      }
      const [event] = await auditRows(t, { entityId: user.id, action: 'user.sessions_revoked' });
      expect(event).toMatchObject({ actor_id: admin.user.id, details: { sessions_revoked: 2 } });
    });
  });

  describe('OpenAPI', () => {
    it('documents every users route with a stable operationId, summary and problems', async () => {
      const doc = (await t.http.get('/docs-json')).body as {
        paths: Record<
          string,
          Record<
            string,
            { operationId: string; summary: string; responses: Record<string, unknown> }
          >
        >;
      };
      const operations = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/v1/users'))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, op]) => ({ path, method, ...op })),
        );
      expect(operations.map((op) => op.operationId).sort()).toEqual([
        'users_change_password',
        'users_create',
        'users_delete',
        'users_get',
        'users_get_me',
        'users_list',
        'users_revoke_sessions',
        'users_stats',
        'users_unlock',
        'users_update',
        'users_update_me',
        'users_update_put',
      ]);
      for (const op of operations) {
        expect(op.summary).toEqual(expect.any(String));
        expect(op.responses['401']).toBeDefined();
        expect(op.responses['403']).toBeDefined();
      }
      const remove = operations.find((op) => op.operationId === 'users_delete')!;
      expect(Object.keys(remove.responses)).toEqual(
        expect.arrayContaining(['200', '204', '404', '409']),
      );
    });
  });
});
