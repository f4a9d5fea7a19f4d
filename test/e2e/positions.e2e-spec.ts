import { randomUUID } from 'node:crypto';
import { auditRows } from '../harness/audit';
import { expectProblem } from '../harness/expect';
import { createdAs, pageNames } from '../harness/http';
import { createUser, type NonAdminRole, signInEveryRole } from '../harness/identity';
import { newPositionBody } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';

/** What POST answers. */
type Created = Record<string, unknown> & { id: string; name: string };

/** SPEC §7 "Positions", end to end over a real database. */
describe('Positions', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let readers: Record<NonAdminRole, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ({ admin, adminId, others: readers } = await signInEveryRole(t.app));
  });
  afterAll(() => t?.close());

  const url = (suffix = '') => `/api/v1/positions${suffix}`;

  const create = (fields: Record<string, unknown> = {}) =>
    createdAs<Created>(t, admin, '/positions', newPositionBody(fields));

  it('refuses anonymous callers (401) and non-admin writes (403); every role reads', async () => {
    const position = await create();
    expectProblem(await t.http.get(url()), 401);
    expectProblem(await t.http.get(url(`/${position.id}`)), 401);
    for (const bearer of Object.values(readers)) {
      expect((await t.http.get(url()).set('Authorization', bearer)).status).toBe(200);
      expect((await t.http.get(url(`/${position.id}`)).set('Authorization', bearer)).status).toBe(
        200,
      );
      for (const write of [
        t.http.post(url()).send({ name: `p${tag()}` }),
        t.http.put(url(`/${position.id}`)).send({ name: 'x' }),
        t.http.patch(url(`/${position.id}`)).send({ name: 'x' }),
        t.http.delete(url(`/${position.id}`)),
      ]) {
        expectProblem(await write.set('Authorization', bearer), 403);
      }
    }
  });

  it('creates a position (201, ETag) and audits it', async () => {
    const name = `Loan Officer ${tag()}`;
    const res = await t.http
      .post(url())
      .set('Authorization', admin)
      .send({ name: ` ${name} `, description: 'Captures applications' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(
      ['created_at', 'description', 'id', 'is_active', 'name', 'updated_at', 'version'].sort(),
    );
    expect(res.body).toMatchObject({
      name,
      description: 'Captures applications',
      is_active: true,
      version: 1,
    });
    expect(res.headers.etag).toBe('"1"');
    const [event] = await auditRows(t, { entityId: res.body.id, action: 'position.created' });
    expect(event).toMatchObject({
      actor_id: adminId,
      entity_type: 'position',
      details: { name, description: 'Captures applications', is_active: true },
    });
    expect(await create({ description: '', is_active: false })).toMatchObject({
      description: null,
      is_active: false,
    });
  });

  it('refuses invalid bodies (422) and duplicate names ignoring case (409)', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: 5 },
      { name: 'n'.repeat(100_000) },
      { name: `p${tag()}`, description: 'd'.repeat(100_000) },
      { name: `p${tag()}`, is_active: 'yes' },
      { name: `p${tag()}`, code: 'P1' },
    ]) {
      const res = await t.http.post(url()).set('Authorization', admin).send(body);
      expectProblem(res, 422);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const huge = await t.http
      .post(url())
      .set('Authorization', admin)
      .send({ name: 'n'.repeat(100_000) });
    expect(huge.body.errors[0]).toMatchObject({ loc: ['body', 'name'], type: 'maxLength' });
    const unknown = await t.http
      .post(url())
      .set('Authorization', admin)
      .send({ name: `p${tag()}`, code: 'P1' });
    expect(unknown.body.errors).toEqual([
      { loc: ['body', 'code'], msg: 'is not an allowed field', type: 'unknown_field' },
    ]);

    const position = await create();
    const dup = await t.http
      .post(url())
      .set('Authorization', admin)
      .send({ name: position.name.toUpperCase() });
    expectProblem(dup, 409);
    expect(dup.body.detail).toBe('Another position with the same name already exists.');
  });

  it('replays a create sent again with the same Idempotency-Key', async () => {
    const key = randomUUID();
    const body = { name: `Idem ${tag()}` };
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
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('reads one (ETag), 404 for unknown, 422 for a malformed id', async () => {
    const position = await create();
    const res = await t.http.get(url(`/${position.id}/`)).set('Authorization', admin);
    expect(res.body).toEqual(position);
    expect(res.headers.etag).toBe('"1"');
    const unknown = await t.http.get(url(`/${randomUUID()}`)).set('Authorization', admin);
    expectProblem(unknown, 404);
    expect(unknown.body.detail).toBe('Position not found.');
    const malformed = await t.http.get(url('/abc')).set('Authorization', admin);
    expectProblem(malformed, 422);
    expect(malformed.body.errors[0].loc).toEqual(['path', 'id']);
  });

  it('updates partially with PUT and PATCH, honours If-Match and audits the changes', async () => {
    const position = await create({ description: 'Old' });
    const patched = await t.http
      .patch(url(`/${position.id}`))
      .set('Authorization', admin)
      .set('If-Match', '"1"')
      .send({ is_active: false });
    expect(patched.body).toMatchObject({
      name: position.name,
      description: 'Old',
      is_active: false,
      version: 2,
    });
    const put = await t.http
      .put(url(`/${position.id}`))
      .set('Authorization', admin)
      .send({ description: null });
    expect(put.body).toMatchObject({ name: position.name, description: null, version: 3 });
    const stale = await t.http
      .put(url(`/${position.id}`))
      .set('Authorization', admin)
      .set('If-Match', '"2"')
      .send({ name: 'late' });
    expectProblem(stale, 412);
    expect(stale.body.current_version).toBe(3);
    for (const body of [{ name: null }, { is_active: null }, { colour: 'red' }]) {
      expectProblem(
        await t.http
          .patch(url(`/${position.id}`))
          .set('Authorization', admin)
          .send(body),
        422,
      );
    }
    const other = await create();
    const dup = await t.http
      .patch(url(`/${position.id}`))
      .set('Authorization', admin)
      .send({ name: other.name.toLowerCase() });
    expectProblem(dup, 409);
    expectProblem(
      await t.http
        .put(url(`/${randomUUID()}`))
        .set('Authorization', admin)
        .send({ name: 'x' }),
      404,
    );
    expectProblem(
      await t.http.patch(url('/zz')).set('Authorization', admin).send({ name: 'x' }),
      422,
    );
    const events = await auditRows(t, { entityId: position.id, action: 'position.updated' });
    expect(events).toEqual([
      expect.objectContaining({
        from_status: 'active',
        to_status: 'inactive',
        details: { is_active: false },
      }),
      expect.objectContaining({ from_status: null, details: { description: null } }),
    ]);
  });

  it('delete is refused with 409 while users hold it, else 204 and audited', async () => {
    const position = await create();
    for (let i = 0; i < 2; i += 1) await createUser(t.app, { positionId: position.id });
    const refused = await t.http.delete(url(`/${position.id}`)).set('Authorization', admin);
    expectProblem(refused, 409);
    expect(refused.body.detail).toBe('2 users still hold this position; move them first.');

    const free = await create();
    expectProblem(
      await t.http
        .delete(url(`/${free.id}`))
        .set('Authorization', admin)
        .set('If-Match', '"3"'),
      412,
    );
    expect((await t.http.delete(url(`/${free.id}`)).set('Authorization', admin)).status).toBe(204);
    expectProblem(await t.http.get(url(`/${free.id}`)).set('Authorization', admin), 404);
    expectProblem(await t.http.delete(url(`/${free.id}`)).set('Authorization', admin), 404);
    const [event] = await auditRows(t, { entityId: free.id, action: 'position.deleted' });
    expect(event.details).toEqual({ name: free.name });
  });

  describe('list', () => {
    let token: string;
    let teller: Awaited<ReturnType<typeof create>>;
    let auditor: Awaited<ReturnType<typeof create>>;
    let cashier: Awaited<ReturnType<typeof create>>;

    beforeAll(async () => {
      token = tag();
      teller = await create({ name: `Teller ${token}` });
      auditor = await create({ name: `auditor ${token}`, is_active: false });
      cashier = await create({ name: `Cashier ${token} 50%` });
    });

    const list = (query: string) =>
      t.http.get(url(`?search=${token}&${query}`)).set('Authorization', admin);
    it('pages and orders by name ignoring case, with or without a trailing slash', async () => {
      const res = await list('');
      expect(res.body).toMatchObject({ total: 3, page: 1, size: 10, pages: 1 });
      expect(pageNames(res)).toEqual([auditor.name, cashier.name, teller.name]);
      const slash = await t.http
        .get(`/api/v1/positions/?search=${token}`)
        .set('Authorization', admin);
      expect(slash.body.total).toBe(3);
      expect(pageNames(await list('size=2&page=2'))).toEqual([teller.name]);
    });

    it('searches the name with % taken literally', async () => {
      const upper = await t.http
        .get(url(`?search=${encodeURIComponent(`TELLER ${token}`)}`))
        .set('Authorization', admin);
      expect(pageNames(upper)).toEqual([teller.name]);
      const percent = await t.http
        .get(url(`?search=${encodeURIComponent(`${token} 50%`)}`))
        .set('Authorization', admin);
      expect(pageNames(percent)).toEqual([cashier.name]);
      const wildcard = await t.http
        .get(url(`?search=${encodeURIComponent(`r%${token}`)}`))
        .set('Authorization', admin);
      expect(wildcard.body.total).toBe(0);
    });

    it('filters by is_active / status and updated_since, sorts by allowed fields', async () => {
      expect(pageNames(await list('is_active=false'))).toEqual([auditor.name]);
      expect(pageNames(await list('status=active'))).toEqual([cashier.name, teller.name]);
      expectProblem(await list('status=active&is_active=false'), 422);
      expectProblem(await list('is_active=sometimes'), 422);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await list(`updated_since=${encodeURIComponent(future)}`)).body.total).toBe(0);
      expect(pageNames(await list('sort_by=created_at&sort_order=desc'))).toEqual([
        cashier.name,
        auditor.name,
        teller.name,
      ]);
      expectProblem(await list('sort_by=code'), 422);
      expectProblem(await list('include_counts=true'), 422);
    });
  });

  it('documents every route with a stable operationId', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(doc.paths['/api/v1/positions'].get.operationId).toBe('positions_list');
    expect(doc.paths['/api/v1/positions'].post.operationId).toBe('positions_create');
    const one = doc.paths['/api/v1/positions/{id}'];
    expect([
      one.get.operationId,
      one.put.operationId,
      one.patch.operationId,
      one.delete.operationId,
    ]).toEqual(['positions_get', 'positions_update_put', 'positions_update', 'positions_delete']);
  });
});
