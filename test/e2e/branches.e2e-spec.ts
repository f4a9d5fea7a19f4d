import { randomUUID } from 'node:crypto';
import { insertApplications } from '../harness/applications-fixtures';
import { auditRows } from '../harness/audit';
import { errorLocs, expectProblem } from '../harness/expect';
import { createdAs, pageNames } from '../harness/http';
import { createUser, type NonAdminRole, signInEveryRole } from '../harness/identity';
import { newBranchBody } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';

/** What POST answers. */
type Created = Record<string, unknown> & { id: string; version: number; name: string };

/** SPEC §7 "Branches", end to end over a real database. */
describe('Branches', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let readers: Record<NonAdminRole, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ({ admin, adminId, others: readers } = await signInEveryRole(t.app));
  });
  afterAll(() => t?.close());

  const url = (suffix = '') => `/api/v1/branches${suffix}`;

  const create = (fields: Record<string, unknown> = {}) =>
    createdAs<Created>(t, admin, '/branches', newBranchBody({ address: 'Street 1', ...fields }));

  describe('access', () => {
    it('refuses anonymous callers with 401', async () => {
      const branch = await create();
      for (const path of [url(), url('/active'), url('/stats'), url(`/${branch.id}`)]) {
        expectProblem(await t.http.get(path), 401);
      }
      expectProblem(await t.http.delete(url(`/${branch.id}`)), 401);
    });

    it('lets every role read, and only admins write (403 for manager, officer, viewer)', async () => {
      const branch = await create();
      const id = branch.id;
      for (const [role, bearer] of Object.entries(readers)) {
        for (const path of [
          url(),
          url('/active'),
          url('/stats'),
          url(`/${id}`),
          url(`/${id}/stats`),
        ]) {
          expect((await t.http.get(path).set('Authorization', bearer)).status).toBe(200);
        }
        // The staff list needs users:read: managers yes, officers and viewers no.
        const staff = await t.http.get(url(`/${id}/users`)).set('Authorization', bearer);
        if (role === 'manager') expect(staff.status).toBe(200);
        else expectProblem(staff, 403);
        const writes = [
          t.http.post(url()).send({ name: `n${tag()}`, code: `c${tag()}`, address: 'a' }),
          t.http.put(url(`/${id}`)).send({ name: 'renamed' }),
          t.http.patch(url(`/${id}`)).send({ name: 'renamed' }),
          t.http.patch(url(`/${id}/toggle-status`)),
          t.http.delete(url(`/${id}`)),
        ];
        for (const write of writes) expectProblem(await write.set('Authorization', bearer), 403);
      }
      const after = await t.http.get(url(`/${id}`)).set('Authorization', admin);
      expect(after.body).toMatchObject({ name: branch.name, is_active: true, version: 1 });
    });

    it('has no with-relations route', async () => {
      const branch = await create();
      const res = await t.http.get(url(`/${branch.id}/with-relations`)).set('Authorization', admin);
      expectProblem(res, 404);
    });
  });

  describe('create', () => {
    it('answers 201 with the branch (coordinates as JSON numbers), its ETag, and audits it', async () => {
      const suffix = tag();
      const res = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({
          name: `Phnom Penh ${suffix}`,
          code: `PP${suffix}`,
          address: ' No. 12, Preah Norodom Blvd ',
          phone_number: '+855 23 123 456',
          email: 'pp@example.test',
          manager_id: adminId,
          latitude: '11.5564',
          longitude: 104.9282,
        });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'id',
          'name',
          'code',
          'address',
          'phone_number',
          'email',
          'manager_id',
          'manager',
          'latitude',
          'longitude',
          'is_active',
          'version',
          'created_at',
          'updated_at',
          'user_count',
          'active_user_count',
        ].sort(),
      );
      expect(res.body).toMatchObject({
        name: `Phnom Penh ${suffix}`,
        code: `PP${suffix}`,
        address: 'No. 12, Preah Norodom Blvd',
        phone_number: '+855 23 123 456',
        email: 'pp@example.test',
        manager_id: adminId,
        manager: { id: adminId, username: expect.any(String), email: expect.any(String) },
        latitude: 11.5564,
        longitude: 104.9282,
        is_active: true,
        version: 1,
        user_count: 0,
        active_user_count: 0,
      });
      expect(res.headers.etag).toBe('"1"');
      const [event] = await auditRows(t, { entityId: res.body.id, action: 'branch.created' });
      expect(event).toMatchObject({
        actor_id: adminId,
        entity_type: 'branch',
        branch_id: res.body.id,
        details: { name: `Phnom Penh ${suffix}`, code: `PP${suffix}`, manager_id: adminId },
      });
    });

    it('treats "" in optional fields as none', async () => {
      const branch = await create({
        phone_number: '',
        email: '',
        manager_id: '',
        latitude: '',
        longitude: null,
      });
      expect(branch).toMatchObject({
        phone_number: null,
        email: null,
        manager_id: null,
        manager: null,
        latitude: null,
        longitude: null,
      });
    });

    it('accepts the coordinate bounds and refuses values beyond them', async () => {
      const edge = await create({ latitude: -90, longitude: '180' });
      expect(edge).toMatchObject({ latitude: -90, longitude: 180 });
      for (const [field, value] of [
        ['latitude', 90.0001],
        ['latitude', '-91'],
        ['longitude', 180.5],
        ['longitude', '-181'],
        ['latitude', 'north'],
        ['longitude', '1e2'],
        ['latitude', true],
      ] as const) {
        const res = await t.http
          .post(url())
          .set('Authorization', admin)
          .send({ name: `n${tag()}`, code: `c${tag()}`, address: 'a', [field]: value });
        expectProblem(res, 422);
        expect(errorLocs(res)).toContain(`body.${field}`);
      }
    });

    it('refuses invalid bodies with 422 naming each field', async () => {
      const missing = await t.http.post(url()).set('Authorization', admin).send({});
      expectProblem(missing, 422);
      expect(errorLocs(missing)).toEqual(
        expect.arrayContaining(['body.name', 'body.code', 'body.address']),
      );

      const invalid = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({
          name: `n${tag()}`,
          code: `c${tag()}`,
          address: '  ',
          email: 'not-an-email',
          phone_number: 'call me',
          manager_id: 12,
          is_active: 'true',
          region: 'north',
        });
      expectProblem(invalid, 422);
      expect(errorLocs(invalid)).toEqual(
        expect.arrayContaining([
          'body.address',
          'body.email',
          'body.phone_number',
          'body.manager_id',
          'body.is_active',
          'body.region',
        ]),
      );

      const huge = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: `c${tag()}`, address: 'a'.repeat(100_000) });
      expectProblem(huge, 422);
      expect(huge.body.errors).toEqual([
        expect.objectContaining({ loc: ['body', 'address'], type: 'maxLength' }),
      ]);

      const longCode = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: 'C'.repeat(21), address: 'a' });
      expectProblem(longCode, 422);
      expect(errorLocs(longCode)).toEqual(['body.code']);
    });

    it('requires manager_id to be an existing, active user', async () => {
      const inactive = await createUser(t.app, { role: 'manager', status: 'inactive' });
      for (const managerId of [randomUUID(), inactive.id]) {
        const res = await t.http
          .post(url())
          .set('Authorization', admin)
          .send({ name: `n${tag()}`, code: `c${tag()}`, address: 'a', manager_id: managerId });
        expectProblem(res, 422);
        expect(errorLocs(res)).toEqual(['body.manager_id']);
      }
    });

    it('refuses a duplicate name or code, ignoring case, with 409', async () => {
      const branch = await create();
      const sameName = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: branch.name.toLowerCase(), code: `c${tag()}`, address: 'a' });
      expectProblem(sameName, 409);
      expect(sameName.body.detail).toBe('Another branch with the same name already exists.');
      const sameCode = await t.http
        .post(url())
        .set('Authorization', admin)
        .send({ name: `n${tag()}`, code: String(branch.code).toLowerCase(), address: 'a' });
      expectProblem(sameCode, 409);
      expect(sameCode.body.detail).toBe('Another branch with the same code already exists.');
    });

    it('replays a create sent again with the same Idempotency-Key', async () => {
      const key = randomUUID();
      const body = { name: `Idem ${tag()}`, code: `I${tag()}`, address: 'a' };
      const first = await t.http
        .post(url())
        .set('Authorization', admin)
        .set('Idempotency-Key', key)
        .send(body);
      const again = await t.http
        .post(url())
        .set('Authorization', admin)
        .set('Idempotency-Key', key)
        .send(body);
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
    });
  });

  describe('read one', () => {
    it('answers with the branch and ETag; 404 unknown; 422 malformed id', async () => {
      const branch = await create();
      const res = await t.http.get(url(`/${branch.id}`)).set('Authorization', admin);
      expect(res.body).toEqual(branch);
      expect(res.headers.etag).toBe('"1"');
      const unknown = await t.http.get(url(`/${randomUUID()}`)).set('Authorization', admin);
      expectProblem(unknown, 404);
      expect(unknown.body.detail).toBe('Branch not found.');
      for (const suffix of ['', '/stats', '/users']) {
        expectProblem(
          await t.http.get(url(`/${randomUUID()}${suffix}`)).set('Authorization', admin),
          404,
        );
        const malformed = await t.http.get(url(`/x1${suffix}`)).set('Authorization', admin);
        expectProblem(malformed, 422);
        expect(malformed.body.errors[0].loc).toEqual(['path', 'id']);
      }
    });
  });

  describe('update (PUT and PATCH are both partial)', () => {
    it('changes only the fields given and audits the changes', async () => {
      const branch = await create({ phone_number: '012 345 678', latitude: 10 });
      const patched = await t.http
        .patch(url(`/${branch.id}`))
        .set('Authorization', admin)
        .send({ code: `NEW${tag()}`, longitude: '104.5' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: branch.name,
        address: 'Street 1',
        phone_number: '012 345 678',
        latitude: 10,
        longitude: 104.5,
        version: 2,
      });
      const put = await t.http
        .put(url(`/${branch.id}`))
        .set('Authorization', admin)
        .send({ phone_number: '', latitude: null, address: 'Street 2' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        code: patched.body.code,
        phone_number: null,
        latitude: null,
        longitude: 104.5,
        address: 'Street 2',
        version: 3,
      });
      expect(put.headers.etag).toBe('"3"');
      const events = await auditRows(t, { entityId: branch.id, action: 'branch.updated' });
      expect(events.map((event: { details: unknown }) => event.details)).toEqual([
        { code: patched.body.code, longitude: '104.500000' },
        { address: 'Street 2', phone_number: null, latitude: null },
      ]);
      const same = await t.http
        .patch(url(`/${branch.id}`))
        .set('Authorization', admin)
        .send({ longitude: 104.5, address: 'Street 2' });
      expect(same.body.version).toBe(3);
    });

    it('refuses null for required fields and bad values (422), stale If-Match (412), duplicates (409)', async () => {
      const branch = await create();
      for (const body of [
        { address: null },
        { name: '' },
        { email: 'x@' },
        { latitude: 123 },
        { is_active: 1 },
        { id: randomUUID() },
      ]) {
        const res = await t.http
          .patch(url(`/${branch.id}`))
          .set('Authorization', admin)
          .send(body);
        expectProblem(res, 422);
        expect(res.body.errors[0].loc).toEqual(['body', Object.keys(body)[0]]);
      }
      const stale = await t.http
        .put(url(`/${branch.id}`))
        .set('Authorization', admin)
        .set('If-Match', '"9"')
        .send({ address: 'x' });
      expectProblem(stale, 412);
      const fresh = await t.http
        .put(url(`/${branch.id}`))
        .set('Authorization', admin)
        .set('If-Match', '"1"')
        .send({ address: 'x' });
      expect(fresh.status).toBe(200);
      const other = await create();
      const dup = await t.http
        .patch(url(`/${branch.id}`))
        .set('Authorization', admin)
        .send({ name: other.name.toUpperCase() });
      expectProblem(dup, 409);
      expect(dup.body.detail).toBe('Another branch with the same name already exists.');
      expectProblem(
        await t.http
          .patch(url(`/${randomUUID()}`))
          .set('Authorization', admin)
          .send({}),
        404,
      );
    });
  });

  describe('toggle-status and delete', () => {
    it('toggle-status flips is_active and audits it', async () => {
      const branch = await create();
      const off = await t.http
        .patch(url(`/${branch.id}/toggle-status`))
        .set('Authorization', admin);
      expect(off.body).toMatchObject({ is_active: false, version: 2 });
      const on = await t.http.patch(url(`/${branch.id}/toggle-status`)).set('Authorization', admin);
      expect(on.body).toMatchObject({ is_active: true, version: 3 });
      const events = await auditRows(t, { entityId: branch.id, action: 'branch.status_changed' });
      expect(events.map((event) => [event.from_status, event.to_status])).toEqual([
        ['active', 'inactive'],
        ['inactive', 'active'],
      ]);
      expectProblem(
        await t.http.patch(url(`/${randomUUID()}/toggle-status`)).set('Authorization', admin),
        404,
      );
    });

    it('delete is refused with 409 while users work there, else 204 and audited', async () => {
      const branch = await create();
      await createUser(t.app, { branchId: branch.id });
      await createUser(t.app, { branchId: branch.id, status: 'inactive' });
      const refused = await t.http.delete(url(`/${branch.id}`)).set('Authorization', admin);
      expectProblem(refused, 409);
      expect(refused.body.detail).toBe('2 users still work at this branch; move them first.');

      const empty = await create();
      expectProblem(
        await t.http
          .delete(url(`/${empty.id}`))
          .set('Authorization', admin)
          .set('If-Match', '"2"'),
        412,
      );
      expect((await t.http.delete(url(`/${empty.id}/`)).set('Authorization', admin)).status).toBe(
        204,
      );
      expectProblem(await t.http.get(url(`/${empty.id}`)).set('Authorization', admin), 404);
      const [event] = await auditRows(t, { entityId: empty.id, action: 'branch.deleted' });
      expect(event.details).toEqual({ name: empty.name, code: empty.code });
    });

    it('delete is refused with 409 while applications made there refer to it', async () => {
      const branch = await create();
      await insertApplications(t, 1, { userId: adminId, branchId: branch.id });
      const res = await t.http.delete(url(`/${branch.id}`)).set('Authorization', admin);
      expectProblem(res, 409);
      expect(res.body.detail).toBe(
        '1 customer application was recorded in this branch and keeps it for their history; deactivate it instead (toggle-status).',
      );
      expect(res.body).toMatchObject({ application_count: 1, customer_count: 0 });
      expect((await t.http.get(url(`/${branch.id}`)).set('Authorization', admin)).status).toBe(200);
    });
  });

  describe('list', () => {
    let token: string;
    let north: Awaited<ReturnType<typeof create>>;
    let south: Awaited<ReturnType<typeof create>>;
    let west: Awaited<ReturnType<typeof create>>;

    beforeAll(async () => {
      token = tag();
      const manager = await createUser(t.app, { role: 'manager' });
      north = await create({ name: `North ${token}`, code: `N${token}`, manager_id: manager.id });
      south = await create({ name: `south ${token}`, code: `S${token}`, is_active: false });
      west = await create({ name: `West ${token}`, code: `W_${token}` });
      const officer = await createUser(t.app, { branchId: north.id });
      await createUser(t.app, { branchId: west.id });
      await createUser(t.app, { branchId: west.id, status: 'inactive' });
      await insertApplications(t, 2, { userId: officer.id, branchId: north.id });
      await insertApplications(t, 3, { userId: officer.id, branchId: west.id });
    });

    const list = (query: string) =>
      t.http.get(url(`?search=${token}&${query}`)).set('Authorization', admin);
    it('pages, orders by name ignoring case, and answers with a trailing slash too', async () => {
      const res = await list('');
      expect(res.body).toMatchObject({ total: 3, page: 1, size: 10, pages: 1 });
      expect(pageNames(res)).toEqual([north.name, south.name, west.name]);
      expect(res.body.items[0]).not.toHaveProperty('user_count');
      const slash = await t.http
        .get(`/api/v1/branches/?search=${token}`)
        .set('Authorization', admin);
      expect(slash.status).toBe(200);
      expect(slash.body.total).toBe(3);
      expect(pageNames(await list('size=1&page=3'))).toEqual([west.name]);
    });

    it('searches name and code with % and _ taken literally', async () => {
      const code = await t.http
        .get(url(`?search=${encodeURIComponent(`w_${token}`)}`))
        .set('Authorization', admin);
      expect(pageNames(code)).toEqual([west.name]);
      const wildcard = await t.http
        .get(url(`?search=${encodeURIComponent(`h_${token}`)}`))
        .set('Authorization', admin);
      expect(wildcard.body.total).toBe(0);
    });

    it('filters by is_active, status, manager_id and updated_since', async () => {
      expect(pageNames(await list('is_active=false'))).toEqual([south.name]);
      expect(pageNames(await list('status=active'))).toEqual([north.name, west.name]);
      expect(pageNames(await list('status=inactive&is_active=false'))).toEqual([south.name]);
      expectProblem(await list('status=inactive&is_active=true'), 422);
      expectProblem(await list('is_active=perhaps'), 422);
      expect(pageNames(await list(`manager_id=${north.manager_id}`))).toEqual([north.name]);
      expectProblem(await list('manager_id=1'), 422);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await list(`updated_since=${encodeURIComponent(future)}`)).body.total).toBe(0);
      expectProblem(await list('updated_since=soon'), 422);
    });

    it('sorts by allowed fields only', async () => {
      expect(pageNames(await list('sort_by=code&sort_order=desc'))).toEqual([
        west.name,
        south.name,
        north.name,
      ]);
      expect(pageNames(await list('sort_by=created_at&sort_order=desc'))).toEqual([
        west.name,
        south.name,
        north.name,
      ]);
      expectProblem(await list('sort_by=address'), 422);
      expectProblem(await list('sort_order=up'), 422);
    });

    it('adds user and application counts with include_counts=true', async () => {
      const res = await list('include_counts=1');
      expect(
        (res.body.items as Record<string, unknown>[]).map((b) => [
          b.name,
          b.user_count,
          b.active_user_count,
          b.application_count,
        ]),
      ).toEqual([
        [north.name, 1, 1, 2],
        [south.name, 0, 0, 0],
        [west.name, 2, 1, 3],
      ]);
      expect((await list('')).body.items[0]).not.toHaveProperty('application_count');
      expectProblem(await list('include_counts=lots'), 422);
    });

    it('GET /branches/active lists active branches as a plain array', async () => {
      const res = await t.http.get(url('/active')).set('Authorization', readers.officer);
      const ids = (res.body as { id: string }[]).map((b) => b.id);
      expect(ids).toEqual(expect.arrayContaining([north.id, west.id]));
      expect(ids).not.toContain(south.id);
    });
  });

  describe('figures', () => {
    it('GET /branches/stats counts total, active and inactive', async () => {
      const before = (await t.http.get(url('/stats')).set('Authorization', admin)).body;
      await create({ is_active: false });
      const res = await t.http.get(url('/stats')).set('Authorization', readers.viewer);
      expect(res.body).toEqual({
        total: before.total + 1,
        active: before.active,
        inactive: before.inactive + 1,
      });
    });

    it('GET /branches/{id}/stats and /users describe its people (as an admin sees them)', async () => {
      const branch = await create();
      const ana = await createUser(t.app, {
        branchId: branch.id,
        firstName: 'Ana',
        role: 'officer',
      });
      const ben = await createUser(t.app, {
        branchId: branch.id,
        firstName: 'Ben',
        role: 'viewer',
        status: 'inactive',
      });
      await insertApplications(t, 2, { userId: ana.id, branchId: branch.id });
      // Made by the branch's officer but recorded at another branch: not counted here.
      const elsewhere = await create();
      await insertApplications(t, 1, { userId: ana.id, branchId: elsewhere.id });
      const stats = await t.http.get(url(`/${branch.id}/stats`)).set('Authorization', admin);
      expect(stats.body).toEqual({
        branch_id: branch.id,
        branch_name: branch.name,
        user_count: 2,
        application_count: 2,
        is_active: true,
      });
      // A viewer of another branch sees none of its applications and lists no users.
      const viewer = await t.http
        .get(url(`/${branch.id}/stats`))
        .set('Authorization', readers.viewer);
      expect(viewer.body).toMatchObject({ user_count: 0, application_count: 0 });
      const other = await t.http.get(url(`/${elsewhere.id}/stats`)).set('Authorization', admin);
      expect(other.body).toMatchObject({ user_count: 0, application_count: 1 });
      const users = await t.http.get(url(`/${branch.id}/users`)).set('Authorization', admin);
      expect(users.body).toEqual([
        {
          id: ana.id,
          username: ana.username,
          first_name: 'Ana',
          last_name: ana.lastName,
          email: ana.email,
          role: 'officer',
          status: 'active',
        },
        expect.objectContaining({ id: ben.id, status: 'inactive', role: 'viewer' }),
      ]);
      const one = await t.http.get(url(`/${branch.id}`)).set('Authorization', admin);
      expect(one.body).toMatchObject({ user_count: 2, active_user_count: 1 });
    });
  });

  it('documents every route with a stable operationId', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const ids = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>)
      .filter(([path]) => path.startsWith('/api/v1/branches'))
      .flatMap(([, item]) => Object.values(item).map((op) => op.operationId))
      .sort();
    expect(ids).toEqual(
      [
        'branches_create',
        'branches_delete',
        'branches_get',
        'branches_get_stats',
        'branches_list',
        'branches_list_active',
        'branches_list_users',
        'branches_stats',
        'branches_toggle_status',
        'branches_update',
        'branches_update_put',
      ].sort(),
    );
  });
});
