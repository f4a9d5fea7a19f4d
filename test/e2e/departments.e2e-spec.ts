import { randomUUID } from 'node:crypto';
import { insertApplications } from '../harness/applications-fixtures';
import { auditRows } from '../harness/audit';
import { errorLocs, expectProblem } from '../harness/expect';
import { createdAs, pageNames } from '../harness/http';
import { createUser, type NonAdminRole, signInEveryRole } from '../harness/identity';
import { makeBranch, newDepartmentBody } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';

/** What POST answers. */
type Created = Record<string, unknown> & { id: string; version: number; name: string };

/** SPEC §7 "Departments", end to end over a real database. */
describe('Departments', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let readers: Record<NonAdminRole, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ({ admin, adminId, others: readers } = await signInEveryRole(t.app));
  });
  afterAll(() => t?.close());

  const url = (suffix = '') => `/api/v1/departments${suffix}`;

  const create = (fields: Record<string, unknown> = {}) =>
    createdAs<Created>(t, admin, '/departments', newDepartmentBody(fields));

  describe('access', () => {
    it('refuses anonymous callers with 401', async () => {
      const department = await create();
      for (const path of [url(), url('/active'), url('/stats'), url(`/${department.id}`)]) {
        const res = await t.http.get(path);
        expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
      expectProblem(await t.http.post(url()).send({ name: 'x', code: 'x' }), 401);
    });

    it('lets every role read, and only admins write (403 for manager, officer, viewer)', async () => {
      const department = await create();
      const id = department.id;
      for (const [role, bearer] of Object.entries(readers)) {
        for (const path of [
          url(),
          url('/active'),
          url('/stats'),
          url(`/${id}`),
          url(`/${id}/stats`),
          url(`/${id}/with-relations`),
        ]) {
          expect((await t.http.get(path).set('Authorization', bearer)).status).toBe(200);
        }
        // The staff list needs users:read: managers yes, officers and viewers no.
        const staff = await t.http.get(url(`/${id}/users`)).set('Authorization', bearer);
        if (role === 'manager') expect(staff.status).toBe(200);
        else expectProblem(staff, 403);
        const writes = [
          t.http.post(url()).send({ name: `n${tag()}`, code: `c${tag()}` }),
          t.http.put(url(`/${id}`)).send({ name: 'renamed' }),
          t.http.patch(url(`/${id}`)).send({ name: 'renamed' }),
          t.http.patch(url(`/${id}/toggle-status`)),
          t.http.delete(url(`/${id}`)),
        ];
        for (const write of writes) {
          const res = await write.set('Authorization', bearer);
          expectProblem(res, 403);
        }
      }
      const after = await t.http.get(url(`/${id}`)).set('Authorization', admin);
      expect(after.body).toMatchObject({ name: department.name, is_active: true, version: 1 });
    });
  });

  describe('create', () => {
    it('answers 201 with the department, its ETag and counts, and audits it', async () => {
      const suffix = tag();
      const res = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({
          name: `  Credit ${suffix} `,
          code: `CR${suffix}`,
          description: 'Credit analysis',
          manager_id: adminId,
        });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'id',
          'name',
          'code',
          'description',
          'manager_id',
          'manager',
          'is_active',
          'version',
          'created_at',
          'updated_at',
          'user_count',
          'active_user_count',
        ].sort(),
      );
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: `Credit ${suffix}`,
        code: `CR${suffix}`,
        description: 'Credit analysis',
        manager_id: adminId,
        manager: {
          id: adminId,
          username: expect.any(String),
          first_name: 'Test',
          last_name: expect.any(String),
          email: expect.stringContaining('@'),
        },
        is_active: true,
        version: 1,
        user_count: 0,
        active_user_count: 0,
      });
      expect(Object.keys(res.body.manager).sort()).toEqual(
        ['email', 'first_name', 'id', 'last_name', 'username'].sort(),
      );
      expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
      expect(res.headers.etag).toBe('"1"');

      const [event] = await auditRows(t, { entityId: res.body.id, action: 'department.created' });
      expect(event).toMatchObject({
        actor_id: adminId,
        entity_type: 'department',
        department_id: res.body.id,
        details: {
          name: `Credit ${suffix}`,
          code: `CR${suffix}`,
          description: 'Credit analysis',
          manager_id: adminId,
          is_active: true,
        },
      });
    });

    it('treats "" in optional fields as none, and takes is_active', async () => {
      const department = await create({ description: '', manager_id: '', is_active: false });
      expect(department).toMatchObject({
        description: null,
        manager_id: null,
        manager: null,
        is_active: false,
      });
    });

    it('refuses invalid bodies with 422 naming each field', async () => {
      const unknown = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: `c${tag()}`, colour: 'red' });
      expectProblem(unknown, 422);
      expect(unknown.body.errors).toContainEqual({
        loc: ['body', 'colour'],
        msg: 'is not an allowed field',
        type: 'unknown_field',
      });

      const wrongTypes = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: 42, code: ['x'], description: 7, manager_id: 'nope', is_active: 'yes' });
      expectProblem(wrongTypes, 422);
      expect(errorLocs(wrongTypes)).toEqual(
        expect.arrayContaining([
          'body.name',
          'body.code',
          'body.description',
          'body.manager_id',
          'body.is_active',
        ]),
      );

      const missing = await t.http.post(url()).set('Authorization', admin).send({});
      expectProblem(missing, 422);
      expect(errorLocs(missing)).toEqual(expect.arrayContaining(['body.name', 'body.code']));

      const blank = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: '   ', code: `c${tag()}` });
      expectProblem(blank, 422);
      expect(errorLocs(blank)).toEqual(['body.name']);

      const huge = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: 'n'.repeat(100_000), code: `c${tag()}`, description: 'd'.repeat(100_000) });
      expectProblem(huge, 422);
      expect(huge.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ loc: ['body', 'name'], type: 'maxLength' }),
          expect.objectContaining({ loc: ['body', 'description'], type: 'maxLength' }),
        ]),
      );

      const longCode = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: 'C'.repeat(21) });
      expectProblem(longCode, 422);
      expect(longCode.body.errors[0]).toMatchObject({ loc: ['body', 'code'], type: 'maxLength' });

      const nullActive = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: `c${tag()}`, is_active: null });
      expectProblem(nullActive, 422);
      expect(errorLocs(nullActive)).toEqual(['body.is_active']);

      const notJson = await t.http
        .post(url())
        .set('Authorization', admin)
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expectProblem(notJson, 400);
    });

    it('requires manager_id to be an existing, active user (422 naming manager_id)', async () => {
      const unknown = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: `c${tag()}`, manager_id: randomUUID() });
      expectProblem(unknown, 422);
      expect(unknown.body.errors).toEqual([
        {
          loc: ['body', 'manager_id'],
          msg: 'refers to a user that does not exist',
          type: 'manager',
        },
      ]);
      const inactive = await createUser(t.app, { role: 'manager', status: 'inactive' });
      const res = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: `c${tag()}`, manager_id: inactive.id });
      expectProblem(res, 422);
      expect(res.body.detail).toBe('manager_id: refers to an inactive user');
    });

    it('refuses a duplicate name or code, ignoring case, with 409', async () => {
      const department = await create();
      const sameName = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: department.name.toUpperCase(), code: `c${tag()}` });
      expectProblem(sameName, 409);
      expect(sameName.body.detail).toBe('Another department with the same name already exists.');
      expect(sameName.body.fields).toEqual(['name']);

      const sameCode = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: String(department.code).toLowerCase() });
      expectProblem(sameCode, 409);
      expect(sameCode.body.detail).toBe('Another department with the same code already exists.');
    });

    it('replays a create sent again with the same Idempotency-Key', async () => {
      const key = randomUUID();
      const body = { name: `Idem ${tag()}`, code: `I${tag()}` };
      const first = await t.http
        .post(url())
        .set('Authorization', admin)
        .set('Idempotency-Key', key)
        .send(body);
      expect(first.status).toBe(201);
      const again = await t.http
        .post(url())
        .set('Authorization', admin)
        .set('Idempotency-Key', key)
        .send(body);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      const rows = await t.dataSource.query(`SELECT 1 FROM departments WHERE name = $1`, [
        body.name,
      ]);
      expect(rows).toHaveLength(1);
    });
  });

  describe('read one', () => {
    it('answers with the department and ETag; 404 unknown; 422 malformed id', async () => {
      const department = await create();
      const res = await t.http.get(url(`/${department.id}`)).set('Authorization', admin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(department);
      expect(res.headers.etag).toBe('"1"');

      const unknown = await t.http.get(url(`/${randomUUID()}`)).set('Authorization', admin);
      expectProblem(unknown, 404);
      expect(unknown.body.detail).toBe('Department not found.');

      const malformed = await t.http.get(url('/not-a-uuid')).set('Authorization', admin);
      expectProblem(malformed, 422);
      expect(malformed.body.errors).toEqual([
        { loc: ['path', 'id'], msg: 'must be a UUID', type: 'isUuid' },
      ]);
      for (const suffix of ['/stats', '/users', '/with-relations', '/toggle-status']) {
        const method = suffix === '/toggle-status' ? 'patch' : 'get';
        expectProblem(
          await t.http[method](url(`/${randomUUID()}${suffix}`)).set('Authorization', admin),
          404,
        );
        expectProblem(await t.http[method](url(`/nope${suffix}`)).set('Authorization', admin), 422);
      }
    });
  });

  describe('update (PUT and PATCH are both partial)', () => {
    it('changes only the fields given, bumps the version and audits the changes', async () => {
      const department = await create({ description: 'Before' });
      const newCode = `N${tag()}`;
      const patched = await t.http
        .patch(url(`/${department.id}`))
        .set('Authorization', admin)
        .send({ code: newCode });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: department.name,
        code: newCode,
        description: 'Before',
        version: 2,
      });
      expect(patched.headers.etag).toBe('"2"');

      const put = await t.http
        .put(url(`/${department.id}`))
        .set('Authorization', admin)
        .send({ description: '', manager_id: adminId });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        name: department.name,
        code: newCode,
        description: null,
        manager_id: adminId,
        manager: { id: adminId },
        version: 3,
      });

      const events = await auditRows(t, { entityId: department.id, action: 'department.updated' });
      expect(events.map((event: { details: unknown }) => event.details)).toEqual([
        { code: newCode },
        { description: null, manager_id: adminId },
      ]);
    });

    it('writes nothing when nothing changes', async () => {
      const department = await create();
      const res = await t.http
        .patch(url(`/${department.id}`))
        .set('Authorization', admin)
        .send({ name: department.name });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(1);
      expect(
        await auditRows(t, { entityId: department.id, action: 'department.updated' }),
      ).toHaveLength(0);
    });

    it('refuses null for a required field, unknown fields and bad types (422)', async () => {
      const department = await create();
      for (const body of [
        { name: null },
        { code: '' },
        { is_active: null },
        { is_active: 'false' },
        { name: 'x'.repeat(100_001) },
        { version: 5 },
        { manager_id: randomUUID() },
      ]) {
        const res = await t.http
          .patch(url(`/${department.id}`))
          .set('Authorization', admin)
          .send(body);
        expectProblem(res, 422);
        expect(res.body.errors[0].loc).toEqual(['body', Object.keys(body)[0]]);
      }
    });

    it('honours If-Match: 412 when stale, 200 when current', async () => {
      const department = await create();
      const stale = await t.http
        .put(url(`/${department.id}`))
        .set('Authorization', admin)
        .set('If-Match', '"7"')
        .send({ description: 'stale' });
      expectProblem(stale, 412);
      expect(stale.body.current_version).toBe(1);
      const current = await t.http
        .patch(url(`/${department.id}`))
        .set('Authorization', admin)
        .set('If-Match', '"1"')
        .send({ description: 'fresh' });
      expect(current.status).toBe(200);
      expect(current.body.version).toBe(2);
      const again = await t.http
        .patch(url(`/${department.id}`))
        .set('Authorization', admin)
        .set('If-Match', '"1"')
        .send({ description: 'lost update' });
      expectProblem(again, 412);
      const bad = await t.http
        .patch(url(`/${department.id}`))
        .set('Authorization', admin)
        .set('If-Match', 'garbage')
        .send({ description: 'x' });
      expectProblem(bad, 422);
    });

    it('lets exactly one of two concurrent updates holding the same If-Match through', async () => {
      const department = await create();
      const send = (description: string) =>
        t.http
          .patch(url(`/${department.id}`))
          .set('Authorization', admin)
          .set('If-Match', '"1"')
          .send({ description });
      const results = await Promise.all([send('one'), send('two')]);
      expect(results.map((res) => res.status).sort()).toEqual([200, 412]);
      const now = await t.http.get(url(`/${department.id}`)).set('Authorization', admin);
      expect(now.body.version).toBe(2);
    });

    it('refuses a name or code another department has (409), and 404/422 for bad ids', async () => {
      const first = await create();
      const second = await create();
      const res = await t.http
        .patch(url(`/${second.id}`))
        .set('Authorization', admin)
        .send({ code: String(first.code).toUpperCase() });
      expectProblem(res, 409);
      expect(res.body.detail).toBe('Another department with the same code already exists.');
      expectProblem(
        await t.http
          .patch(url(`/${randomUUID()}`))
          .set('Authorization', admin)
          .send({ name: 'x' }),
        404,
      );
      expectProblem(
        await t.http.put(url('/123')).set('Authorization', admin).send({ name: 'x' }),
        422,
      );
    });
  });

  describe('toggle-status', () => {
    it('flips is_active each time and audits the change', async () => {
      const department = await create();
      const off = await t.http
        .patch(url(`/${department.id}/toggle-status`))
        .set('Authorization', admin);
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ is_active: false, version: 2 });
      const on = await t.http
        .patch(url(`/${department.id}/toggle-status`))
        .set('Authorization', admin)
        .set('If-Match', '"2"');
      expect(on.body).toMatchObject({ is_active: true, version: 3 });
      const stale = await t.http
        .patch(url(`/${department.id}/toggle-status`))
        .set('Authorization', admin)
        .set('If-Match', '"2"');
      expectProblem(stale, 412);
      const events = await auditRows(t, {
        entityId: department.id,
        action: 'department.status_changed',
      });
      expect(events).toEqual([
        expect.objectContaining({
          from_status: 'active',
          to_status: 'inactive',
          details: { is_active: false },
        }),
        expect.objectContaining({
          from_status: 'inactive',
          to_status: 'active',
          details: { is_active: true },
        }),
      ]);
    });

    it('does not flip twice for a retry with the same Idempotency-Key', async () => {
      const department = await create();
      const key = randomUUID();
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const res = await t.http
          .patch(url(`/${department.id}/toggle-status`))
          .set('Authorization', admin)
          .set('Idempotency-Key', key);
        expect(res.status).toBe(200);
        expect(res.body.is_active).toBe(false);
      }
      const now = await t.http.get(url(`/${department.id}`)).set('Authorization', admin);
      expect(now.body).toMatchObject({ is_active: false, version: 2 });
    });
  });

  describe('delete', () => {
    it('is refused with 409 while users belong to it, naming how many', async () => {
      const department = await create();
      for (let i = 0; i < 3; i += 1) await createUser(t.app, { departmentId: department.id });
      const res = await t.http.delete(url(`/${department.id}`)).set('Authorization', admin);
      expectProblem(res, 409);
      expect(res.body.detail).toBe('3 users still belong to this department; move them first.');
      expect(res.body.user_count).toBe(3);
      expect((await t.http.get(url(`/${department.id}`)).set('Authorization', admin)).status).toBe(
        200,
      );

      const single = await create();
      await createUser(t.app, { departmentId: single.id, status: 'inactive' });
      const one = await t.http.delete(url(`/${single.id}`)).set('Authorization', admin);
      expectProblem(one, 409);
      expect(one.body.detail).toBe('1 user still belongs to this department; move them first.');
    });

    it('is refused with 409 while applications made in it refer to it', async () => {
      const department = await create();
      await insertApplications(t, 1, { userId: adminId, departmentId: department.id });
      const res = await t.http.delete(url(`/${department.id}`)).set('Authorization', admin);
      expectProblem(res, 409);
      expect(res.body).toMatchObject({ type: expect.stringContaining('still-referenced') });
      expect(res.body.detail).toBe(
        '1 customer application was recorded in this department and keeps it for their history; deactivate it instead (toggle-status).',
      );
      expect(res.body).toMatchObject({ application_count: 1, customer_count: 0 });
      expect((await t.http.get(url(`/${department.id}`)).set('Authorization', admin)).status).toBe(
        200,
      );
      expect(await auditRows(t, { entityId: department.id, action: 'department.deleted' })).toEqual(
        [],
      );
    });

    it('deletes an unreferenced department (204), audits it, and honours If-Match', async () => {
      const department = await create();
      const stale = await t.http
        .delete(url(`/${department.id}`))
        .set('Authorization', admin)
        .set('If-Match', '"4"');
      expectProblem(stale, 412);
      const res = await t.http
        .delete(url(`/${department.id}`))
        .set('Authorization', admin)
        .set('If-Match', '"1"');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectProblem(await t.http.get(url(`/${department.id}`)).set('Authorization', admin), 404);
      expectProblem(await t.http.delete(url(`/${department.id}`)).set('Authorization', admin), 404);
      const [event] = await auditRows(t, { entityId: department.id, action: 'department.deleted' });
      expect(event.details).toEqual({ name: department.name, code: department.code });
    });
  });

  describe('list', () => {
    let token: string;
    let alpha: Awaited<ReturnType<typeof create>>;
    let beta: Awaited<ReturnType<typeof create>>;
    let gamma: Awaited<ReturnType<typeof create>>;

    beforeAll(async () => {
      token = tag();
      const manager = await createUser(t.app, { role: 'manager' });
      alpha = await create({ name: `alpha ${token}`, code: `A${token}`, manager_id: manager.id });
      beta = await create({ name: `Beta ${token}`, code: `B${token}`, is_active: false });
      gamma = await create({ name: `gamma ${token} 100%_off`, code: `G${token}` });
      const officer = await createUser(t.app, { departmentId: alpha.id });
      await createUser(t.app, { departmentId: alpha.id, status: 'inactive' });
      await createUser(t.app, { departmentId: gamma.id });
      await insertApplications(t, 2, { userId: officer.id, departmentId: alpha.id });
      await insertApplications(t, 1, { userId: officer.id, departmentId: gamma.id });
      // Made by alpha's officer but recorded elsewhere: counted by department_id, not creator.
      await insertApplications(t, 1, { userId: officer.id, departmentId: null });
    });

    const list = (query: string) =>
      t.http.get(url(`?search=${token}&${query}`)).set('Authorization', admin);
    it('is a page envelope, ordered by name ignoring case, without counts by default', async () => {
      const res = await list('');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 3, page: 1, size: 10, pages: 1 });
      expect(pageNames(res)).toEqual([alpha.name, beta.name, gamma.name]);
      expect(res.body.items[0]).not.toHaveProperty('user_count');
      expect(res.body.items[0].manager).toMatchObject({ id: alpha.manager_id });
      const page2 = await list('size=2&page=2');
      expect(page2.body).toMatchObject({ total: 3, page: 2, size: 2, pages: 2 });
      expect(pageNames(page2)).toEqual([gamma.name]);
      const clamped = await list('size=1000');
      expect(clamped.body.size).toBe(100);
    });

    it('answers with and without a trailing slash', async () => {
      const res = await t.http
        .get(`/api/v1/departments/?search=${token}`)
        .set('Authorization', admin);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(3);
    });

    it('searches name and code, case-insensitively, with % and _ taken literally', async () => {
      const byCode = await t.http
        .get(url(`?search=${encodeURIComponent(`b${token}`)}`))
        .set('Authorization', admin);
      expect(pageNames(byCode)).toEqual([beta.name]);
      const upper = await t.http
        .get(url(`?search=${encodeURIComponent(`ALPHA ${token}`)}`))
        .set('Authorization', admin);
      expect(pageNames(upper)).toEqual([alpha.name]);
      const percent = await t.http
        .get(url(`?search=${encodeURIComponent(`${token} 100%_`)}`))
        .set('Authorization', admin);
      expect(pageNames(percent)).toEqual([gamma.name]);
      const wildcard = await t.http
        .get(url(`?search=${encodeURIComponent(`${token}%`)}`))
        .set('Authorization', admin);
      expect(wildcard.body.total).toBe(0);
      const underscore = await t.http.get(url('?search=_')).set('Authorization', admin);
      expect(pageNames(underscore)).toContain(gamma.name);
      expect(pageNames(underscore)).not.toContain(alpha.name);
    });

    it('filters by is_active and status, which must agree', async () => {
      expect(pageNames(await list('is_active=false'))).toEqual([beta.name]);
      expect(pageNames(await list('is_active=true'))).toEqual([alpha.name, gamma.name]);
      expect(pageNames(await list('status=inactive'))).toEqual([beta.name]);
      expect(pageNames(await list('status=active&is_active=true'))).toEqual([
        alpha.name,
        gamma.name,
      ]);
      const disagree = await list('status=active&is_active=false');
      expectProblem(disagree, 422);
      expect(disagree.body.errors[0].loc).toEqual(['query', 'status']);
      expectProblem(await list('is_active=maybe'), 422);
      expectProblem(await list('status=paused'), 422);
    });

    it('filters by manager_id and updated_since', async () => {
      expect(pageNames(await list(`manager_id=${alpha.manager_id}`))).toEqual([alpha.name]);
      expectProblem(await list('manager_id=zzz'), 422);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await list(`updated_since=${encodeURIComponent(future)}`)).body.total).toBe(0);
      expect((await list('updated_since=2000-01-01T00:00:00Z')).body.total).toBe(3);
      // Issue 10: one parsing for every list; a time without an offset is 422 (read as UTC it
      // would be 7 h off in Asia/Phnom_Penh).
      expectProblem(await list('updated_since=2000-01-01T00:00:00'), 422);
      expectProblem(await list('updated_since=2000-01-01'), 422);
      expectProblem(await list('updated_since=yesterday'), 422);
    });

    it('sorts by an allowed field in either order, and refuses others', async () => {
      expect(pageNames(await list('sort_by=name&sort_order=desc'))).toEqual([
        gamma.name,
        beta.name,
        alpha.name,
      ]);
      expect(pageNames(await list('sort_by=code&sort_order=DESC'))).toEqual([
        gamma.name,
        beta.name,
        alpha.name,
      ]);
      expect(pageNames(await list('sort_by=created_at'))).toEqual([
        alpha.name,
        beta.name,
        gamma.name,
      ]);
      expect(pageNames(await list('sort_by=updated_at&sort_order=desc'))).toEqual([
        gamma.name,
        beta.name,
        alpha.name,
      ]);
      const bad = await list('sort_by=password_hash');
      expectProblem(bad, 422);
      expect(bad.body.errors[0].loc).toEqual(['query', 'sort_by']);
      expectProblem(await list('sort_order=sideways'), 422);
      expectProblem(await list('colour=red'), 422);
    });

    it('adds user and application counts with include_counts=true', async () => {
      const res = await list('include_counts=true');
      expect(
        (res.body.items as Record<string, unknown>[]).map((d) => [
          d.name,
          d.user_count,
          d.active_user_count,
          d.application_count,
        ]),
      ).toEqual([
        [alpha.name, 2, 1, 2],
        [beta.name, 0, 0, 0],
        [gamma.name, 1, 1, 1],
      ]);
      // Counted per unit on a page of its own too, not spilling over from the other rows.
      const second = await list('include_counts=true&size=1&page=3');
      expect(second.body.items).toEqual([
        expect.objectContaining({ id: gamma.id, user_count: 1, application_count: 1 }),
      ]);
      const without = (await list('include_counts=false')).body.items[0];
      expect(without).not.toHaveProperty('user_count');
      expect(without).not.toHaveProperty('application_count');
      expectProblem(await list('include_counts=perhaps'), 422);
    });

    it('GET /departments/active lists every active department, as a plain array', async () => {
      const res = await t.http.get(url('/active')).set('Authorization', readers.viewer);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const ids = (res.body as { id: string; is_active: boolean }[]).map((d) => d.id);
      expect(ids).toEqual(expect.arrayContaining([alpha.id, gamma.id]));
      expect(ids).not.toContain(beta.id);
      expect(res.body.every((d: { is_active: boolean }) => d.is_active)).toBe(true);
      expect(ids.indexOf(alpha.id)).toBeLessThan(ids.indexOf(gamma.id));
    });
  });

  describe('figures and relations', () => {
    it('GET /departments/stats counts total, active and inactive', async () => {
      const before = (await t.http.get(url('/stats')).set('Authorization', admin)).body;
      expect(before.total).toBe(before.active + before.inactive);
      await create();
      await create({ is_active: false });
      const res = await t.http.get(url('/stats/')).set('Authorization', admin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        total: before.total + 2,
        active: before.active + 1,
        inactive: before.inactive + 1,
      });
      const [{ count }] = await t.dataSource.query(
        `SELECT count(*)::int AS count FROM departments`,
      );
      expect(res.body.total).toBe(count);
    });

    it('GET /departments/{id}/stats, /users and /with-relations describe its people (as an admin sees them)', async () => {
      const manager = await createUser(t.app, { role: 'manager', firstName: 'Mara' });
      const department = await create({ manager_id: manager.id });
      const north = await makeBranch(t, { name: `North ${tag()}` });
      const east = await makeBranch(t, { name: `East ${tag()}` });
      await makeBranch(t, { name: `Unrelated ${tag()}` });
      const anna = await createUser(t.app, {
        departmentId: department.id,
        branchId: north.id,
        firstName: 'Anna',
        role: 'officer',
      });
      const bora = await createUser(t.app, {
        departmentId: department.id,
        branchId: north.id,
        firstName: 'bora',
        role: 'viewer',
        status: 'inactive',
      });
      const chan = await createUser(t.app, {
        departmentId: department.id,
        branchId: east.id,
        firstName: 'Chan',
        role: 'manager',
      });
      await createUser(t.app, { branchId: north.id });
      await insertApplications(t, 1, {
        userId: anna.id,
        departmentId: department.id,
        branchId: north.id,
      });
      await insertApplications(t, 1, { userId: chan.id, departmentId: department.id });
      // Elsewhere: another department's, and one of the same branch without this department.
      const other = await create();
      await insertApplications(t, 3, { userId: anna.id, departmentId: other.id });
      await insertApplications(t, 1, { userId: anna.id, branchId: north.id });

      const stats = await t.http.get(url(`/${department.id}/stats`)).set('Authorization', admin);
      expect(stats.status).toBe(200);
      expect(stats.body).toEqual({
        department_id: department.id,
        department_name: department.name,
        user_count: 3,
        application_count: 2,
        is_active: true,
      });
      const otherStats = await t.http.get(url(`/${other.id}/stats`)).set('Authorization', admin);
      expect(otherStats.body).toMatchObject({ user_count: 0, application_count: 3 });

      const users = await t.http.get(url(`/${department.id}/users`)).set('Authorization', admin);
      expect(users.status).toBe(200);
      expect(users.body).toEqual([
        {
          id: anna.id,
          username: anna.username,
          first_name: 'Anna',
          last_name: anna.lastName,
          email: anna.email,
          role: 'officer',
          status: 'active',
        },
        expect.objectContaining({ id: bora.id, role: 'viewer', status: 'inactive' }),
        expect.objectContaining({ id: chan.id, role: 'manager', status: 'active' }),
      ]);

      const full = await t.http
        .get(url(`/${department.id}/with-relations`))
        .set('Authorization', admin);
      expect(full.status).toBe(200);
      expect(full.body).toMatchObject({
        id: department.id,
        name: department.name,
        code: department.code,
        manager_id: manager.id,
        manager: { id: manager.id, first_name: 'Mara' },
        is_active: true,
        version: 1,
        user_count: 3,
        active_user_count: 2,
        application_count: 2,
        branch_count: 2,
        users: users.body,
      });
      expect(full.body.branches).toEqual(
        [north, east]
          .map((branch) => ({ id: branch.id, name: branch.name, code: branch.code }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
      expect(full.body).not.toHaveProperty('password_hash');
      expect(JSON.stringify(full.body)).not.toContain('password');

      // An officer who made none of them sees the manager, the branches, and no figures.
      const officers = await t.http
        .get(url(`/${department.id}/with-relations`))
        .set('Authorization', readers.officer);
      expect(officers.body).toMatchObject({
        manager: { id: manager.id, first_name: 'Mara' },
        user_count: 0,
        active_user_count: 0,
        application_count: 0,
        branch_count: 2,
        users: [],
      });

      const one = await t.http.get(url(`/${department.id}`)).set('Authorization', admin);
      expect(one.body).toMatchObject({ user_count: 3, active_user_count: 2 });
    });

    it('with-relations of an empty department has empty lists and a null manager', async () => {
      const department = await create();
      const res = await t.http
        .get(url(`/${department.id}/with-relations`))
        .set('Authorization', admin);
      expect(res.body).toMatchObject({
        manager: null,
        user_count: 0,
        active_user_count: 0,
        application_count: 0,
        branch_count: 0,
        users: [],
        branches: [],
      });
      expect(
        await t.http.get(url(`/${department.id}/users`)).set('Authorization', admin),
      ).toMatchObject({
        status: 200,
        body: [],
      });
    });
  });

  it('documents every route with a stable operationId', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const op = (path: string, method: string) => doc.paths[path]?.[method]?.operationId;
    expect({
      list: op('/api/v1/departments', 'get'),
      create: op('/api/v1/departments', 'post'),
      active: op('/api/v1/departments/active', 'get'),
      stats: op('/api/v1/departments/stats', 'get'),
      get: op('/api/v1/departments/{id}', 'get'),
      put: op('/api/v1/departments/{id}', 'put'),
      patch: op('/api/v1/departments/{id}', 'patch'),
      delete: op('/api/v1/departments/{id}', 'delete'),
      toggle: op('/api/v1/departments/{id}/toggle-status', 'patch'),
      unitStats: op('/api/v1/departments/{id}/stats', 'get'),
      users: op('/api/v1/departments/{id}/users', 'get'),
      relations: op('/api/v1/departments/{id}/with-relations', 'get'),
    }).toEqual({
      list: 'departments_list',
      create: 'departments_create',
      active: 'departments_list_active',
      stats: 'departments_stats',
      get: 'departments_get',
      put: 'departments_update_put',
      patch: 'departments_update',
      delete: 'departments_delete',
      toggle: 'departments_toggle_status',
      unitStats: 'departments_get_stats',
      users: 'departments_list_users',
      relations: 'departments_get_with_relations',
    });
    const patch = doc.paths['/api/v1/departments/{id}'].patch;
    expect(Object.keys(patch.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '409', '412', '422']),
    );
  });
});
