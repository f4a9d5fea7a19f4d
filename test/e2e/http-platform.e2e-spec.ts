import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { auditRows } from '../harness/audit';
import { expectProblem } from '../harness/expect';
import { createProbeTables, ProbeModule } from '../harness/probe.module';
import { createTestApp, type TestApp } from '../harness/test-app';

/** The HTTP conventions of SPEC §3, exercised through the probe routes. */
describe('HTTP platform', () => {
  let t: TestApp;
  let officer: string;
  let viewer: string;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
    await createProbeTables(t);
    officer = (await t.signIn('officer')).bearer;
    viewer = (await t.signIn('viewer')).bearer;
  });
  afterAll(() => t.close());

  describe('problem documents', () => {
    it('400 for a malformed JSON body, with the request id', async () => {
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Content-Type', 'application/json')
        .set('X-Request-Id', 'bad-json-1')
        .send('{"name": ');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectProblem(res, 400);
      expect(res.body.request_id).toBe('bad-json-1');
      expect(res.body.instance).toBe('/api/v1/probe/widgets');
    });

    it('422 for a JSON body nested thousands of levels deep, before any validator runs', async () => {
      const deep = `{"name": ${'['.repeat(10000)}${']'.repeat(10000)}}`;
      for (const path of ['/api/v1/probe/widgets', '/api/v1/users']) {
        const res = await t.http
          .post(path)
          .set('Authorization', officer)
          .set('Content-Type', 'application/json')
          .send(deep);
        expect(res.status).toBe(422);
        expectProblem(res, 422);
        expect(res.body.detail).toBe('The request body is nested more than 64 levels deep.');
      }
    });

    it('401 without a token, with WWW-Authenticate: Bearer', async () => {
      const res = await t.http.get('/api/v1/probe/widgets');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expectProblem(res, 401);
    });

    it('401 for a forged or expired token', async () => {
      const forged = await t.http
        .get('/api/v1/probe/widgets')
        .set('Authorization', 'Bearer abc.def.ghi');
      expect(forged.status).toBe(401);
      const jwt = t.app.get(JwtService);
      const expired = jwt.sign(
        { sub: randomUUID(), role: 'admin', typ: 'access' },
        { expiresIn: -10 },
      );
      const res = await t.http
        .get('/api/v1/probe/widgets')
        .set('Authorization', `Bearer ${expired}`);
      expect(res.status).toBe(401);
      const otherSecret = jwt.sign(
        { sub: randomUUID(), role: 'admin', typ: 'access' },
        { secret: 'x'.repeat(40) },
      );
      expect(
        (await t.http.get('/api/v1/probe/widgets').set('Authorization', `Bearer ${otherSecret}`))
          .status,
      ).toBe(401);
      const refresh = jwt.sign({ sub: randomUUID(), role: 'admin', typ: 'refresh' });
      expect(
        (await t.http.get('/api/v1/probe/widgets').set('Authorization', `Bearer ${refresh}`))
          .status,
      ).toBe(401);
    });

    it('403 when the role lacks the permission, and for a route that declares none', async () => {
      const res = await t.http.get('/api/v1/probe/settings-only').set('Authorization', officer);
      expect(res.status).toBe(403);
      expectProblem(res, 403);
      expect(res.body.detail).toContain('officer');
      const { bearer: admin } = await t.signIn('admin');
      expect(
        (await t.http.get('/api/v1/probe/settings-only').set('Authorization', admin)).status,
      ).toBe(200);
      expect(
        (await t.http.get('/api/v1/probe/undeclared').set('Authorization', admin)).status,
      ).toBe(403);
      const write = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', viewer)
        .send({ name: 'v' });
      expect(write.status).toBe(403);
    });

    it('404 for an unknown route and for a missing record; 422 for a malformed UUID', async () => {
      const route = await t.http.get('/api/v1/no-such-route');
      expect(route.status).toBe(404);
      expectProblem(route, 404);
      const missing = await t.http
        .get(`/api/v1/probe/widgets/${randomUUID()}`)
        .set('Authorization', officer);
      expect(missing.status).toBe(404);
      expect(missing.body.detail).toBe('Widget not found.');
      const malformed = await t.http
        .get('/api/v1/probe/widgets/not-a-uuid')
        .set('Authorization', officer);
      expect(malformed.status).toBe(422);
      expect(malformed.body.errors).toEqual([
        { loc: ['path', 'id'], msg: 'must be a UUID', type: 'isUuid' },
      ]);
    });

    it('409 for a duplicate unique value, naming the field', async () => {
      await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'dup' })
        .expect(201);
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'dup' });
      expect(res.status).toBe(409);
      expectProblem(res, 409);
      expect(res.body.detail).toContain('name');
      expect(res.body.fields).toEqual(['name']);
    });

    it('422 naming the field for a foreign key that points nowhere; 409 deleting a referenced row', async () => {
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'orphan', owner_id: randomUUID() });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { loc: ['body', 'owner_id'], msg: expect.any(String), type: 'foreign_key' },
      ]);
      const owner = await t.http
        .post('/api/v1/probe/owners')
        .set('Authorization', officer)
        .send({ name: 'o' });
      await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'owned', owner_id: owner.body.id })
        .expect(201);
      const del = await t.http
        .delete(`/api/v1/probe/owners/${owner.body.id}`)
        .set('Authorization', officer);
      expect(del.status).toBe(409);
      expect(del.body.detail).toContain('probe widgets');
    });

    it('413 for a body over 1 MiB', async () => {
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'x'.repeat(1024 * 1024 + 10) });
      expect(res.status).toBe(413);
      expectProblem(res, 413);
    });

    it('422 with errors[].loc/msg/type for wrong types, unknown fields and nested items', async () => {
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 42, colour: 'red', parts: [{ quantity: 1 }, { quantity: 'many' }] });
      expect(res.status).toBe(422);
      expectProblem(res, 422);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { loc: ['body', 'name'], msg: 'must be a string', type: 'isString' },
          { loc: ['body', 'colour'], msg: 'is not an allowed field', type: 'unknown_field' },
          { loc: ['body', 'parts', 1, 'quantity'], msg: expect.any(String), type: 'isInt' },
        ]),
      );
      const tooLong = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'y'.repeat(100_001) });
      expect(tooLong.status).toBe(422);
      expect(tooLong.body.errors[0]).toMatchObject({ loc: ['body', 'name'], type: 'maxLength' });
      const empty = await t.http.post('/api/v1/probe/widgets').set('Authorization', officer);
      expect(empty.status).toBe(422);
      expect(empty.body.errors[0].loc).toEqual(['body', 'name']);
      const query = await t.http
        .get('/api/v1/probe/widgets?min_counter=abc&extra=1')
        .set('Authorization', officer);
      expect(query.status).toBe(422);
      expect(query.body.errors.map((e: { loc: string[] }) => e.loc)).toEqual(
        expect.arrayContaining([
          ['query', 'min_counter'],
          ['query', 'extra'],
        ]),
      );
    });

    it('500 without internals, logged under the request id', async () => {
      const res = await t.http.get('/api/v1/probe/boom').set('X-Request-Id', 'boom-1');
      expect(res.status).toBe(500);
      expectProblem(res, 500);
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/secret_table|internal\.ts|at \//);
      expect(res.body.request_id).toBe('boom-1');
    });

    it('a failure after writing leaves nothing behind (one transaction)', async () => {
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'fail-after-audit' });
      expect(res.status).toBe(500);
      const rows = await t.dataSource.query(
        `SELECT 1 FROM probe_widgets WHERE name = 'fail-after-audit'`,
      );
      expect(rows).toHaveLength(0);
      const events = await t.dataSource.query(
        `SELECT 1 FROM audit_events WHERE action = 'probe.created' AND request_id = $1`,
        [res.body.request_id],
      );
      expect(events).toHaveLength(0);
    });
  });

  describe('request id', () => {
    it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
      const kept = await t.http.get('/api/v1/probe/public').set('X-Request-Id', 'abc.DEF_123-x');
      expect(kept.headers['x-request-id']).toBe('abc.DEF_123-x');
      const replaced = await t.http.get('/api/v1/probe/public').set('X-Request-Id', 'bad id; drop');
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const tooLong = await t.http.get('/api/v1/probe/public').set('X-Request-Id', 'a'.repeat(129));
      expect(tooLong.headers['x-request-id']).not.toBe('a'.repeat(129));
      const generated = await t.http.get('/health');
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('is written into audit events', async () => {
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('X-Request-Id', 'audit-req-1')
        .send({ name: 'audited' })
        .expect(201);
      const [event] = await auditRows(t, { entityId: res.body.id });
      expect(event).toMatchObject({
        actor_role: 'officer',
        request_id: 'audit-req-1',
        actor_id: res.body.created_by,
      });
    });
  });

  describe('pagination', () => {
    beforeAll(async () => {
      await t.dataSource.query(
        `INSERT INTO probe_widgets (name) SELECT 'page-' || g FROM generate_series(1, 120) g`,
      );
    });

    it('defaults to page 1 of 10 with the envelope', async () => {
      const res = await t.http
        .get('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .expect(200);
      expect(res.body).toMatchObject({ page: 1, size: 10, items: expect.any(Array) });
      expect(res.body.items).toHaveLength(10);
      expect(res.body.pages).toBe(Math.ceil(res.body.total / 10));
    });

    it('clamps size to 100 and says so', async () => {
      const res = await t.http
        .get('/api/v1/probe/widgets?size=1000&page=1')
        .set('Authorization', officer)
        .expect(200);
      expect(res.body.size).toBe(100);
      expect(res.body.items).toHaveLength(100);
    });

    it('refuses page 0 and non-numbers', async () => {
      expect(
        (await t.http.get('/api/v1/probe/widgets?page=0').set('Authorization', officer)).status,
      ).toBe(422);
      expect(
        (await t.http.get('/api/v1/probe/widgets?size=ten').set('Authorization', officer)).status,
      ).toBe(422);
    });
  });

  describe('trailing slash', () => {
    it('serves collection routes with and without a trailing slash, without redirect', async () => {
      const plain = await t.http.get('/api/v1/probe/widgets').set('Authorization', officer);
      const slashed = await t.http
        .get('/api/v1/probe/widgets/?size=5')
        .set('Authorization', officer);
      expect(plain.status).toBe(200);
      expect(slashed.status).toBe(200);
      expect(slashed.body.size).toBe(5);
      const post = await t.http
        .post('/api/v1/probe/widgets/')
        .set('Authorization', officer)
        .send({ name: 'slash' });
      expect(post.status).toBe(201);
    });
  });

  describe('If-Match / ETag', () => {
    it('GET returns ETag; a stale If-Match is 412; a current one succeeds', async () => {
      const created = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'etag' });
      const read = await t.http
        .get(`/api/v1/probe/widgets/${created.body.id}`)
        .set('Authorization', officer);
      expect(read.headers.etag).toBe('"1"');
      const ok = await t.http
        .patch(`/api/v1/probe/widgets/${created.body.id}`)
        .set('Authorization', officer)
        .set('If-Match', '"1"')
        .send({ name: 'etag-2' });
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"2"');
      const stale = await t.http
        .patch(`/api/v1/probe/widgets/${created.body.id}`)
        .set('Authorization', officer)
        .set('If-Match', '"1"')
        .send({ name: 'etag-3' });
      expect(stale.status).toBe(412);
      expectProblem(stale, 412);
      expect(stale.body.current_version).toBe(2);
      const malformed = await t.http
        .patch(`/api/v1/probe/widgets/${created.body.id}`)
        .set('Authorization', officer)
        .set('If-Match', 'yesterday')
        .send({ name: 'etag-4' });
      expect(malformed.status).toBe(422);
      const [{ name }] = await t.dataSource.query(`SELECT name FROM probe_widgets WHERE id = $1`, [
        created.body.id,
      ]);
      expect(name).toBe('etag-2');
    });

    it('a list carries no (weak) ETag; a record read with its current ETag is 304', async () => {
      const created = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'etag-list' });
      const list = await t.http.get('/api/v1/probe/widgets').set('Authorization', officer);
      expect(list.status).toBe(200);
      expect(list.headers.etag).toBeUndefined();
      const root = await t.http.get('/');
      expect(root.headers.etag).toBeUndefined();
      const cached = await t.http
        .get(`/api/v1/probe/widgets/${created.body.id}`)
        .set('Authorization', officer)
        .set('If-None-Match', '"1"');
      expect(cached.status).toBe(304);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer without repeating the effect', async () => {
      const key = randomUUID();
      const first = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-1' });
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const replay = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-1' });
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      const rows = await t.dataSource.query(`SELECT id FROM probe_widgets WHERE name = 'idem-1'`);
      expect(rows).toHaveLength(1);
    });

    it('canonical body: the same fields in another order are the same request', async () => {
      const key = randomUUID();
      const owner = await t.http
        .post('/api/v1/probe/owners')
        .set('Authorization', officer)
        .send({ name: 'own' });
      await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-order', owner_id: owner.body.id })
        .expect(201);
      const replay = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ owner_id: owner.body.id, name: 'idem-order' });
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    });

    it('the same key with another body is 422', async () => {
      const key = randomUUID();
      await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-2' })
        .expect(201);
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-2-changed' });
      expect(res.status).toBe(422);
      expect(res.body.type).toContain('idempotency-key-reused');
    });

    it('keys belong to a user: another user with the same key is a new request', async () => {
      const key = randomUUID();
      await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-3a' })
        .expect(201);
      const { bearer: other } = await t.signIn('officer');
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', other)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-3b' });
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    });

    it('a transition replay returns the first answer; a duplicate in flight is 409', async () => {
      const created = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .send({ name: 'bump' });
      const key = randomUUID();
      const send = () =>
        t.http
          .patch(`/api/v1/probe/widgets/${created.body.id}/bump`)
          .set('Authorization', officer)
          .set('Idempotency-Key', key);
      const [a, b] = await Promise.all([send(), new Promise((r) => setTimeout(r, 80)).then(send)]);
      expect(a.status).toBe(200);
      expect(b.status).toBe(409);
      expect(b.body.type).toContain('idempotency-key-in-use');
      const replay = await send();
      expect(replay.status).toBe(200);
      expect(replay.body.counter).toBe(1);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const [{ counter }] = await t.dataSource.query(
        `SELECT counter FROM probe_widgets WHERE id = $1`,
        [created.body.id],
      );
      expect(counter).toBe(1);
    });

    it('stores 4xx answers and replays them; never stores 5xx', async () => {
      const key = randomUUID();
      const missing = randomUUID();
      const first = await t.http
        .patch(`/api/v1/probe/widgets/${missing}/bump`)
        .set('Authorization', officer)
        .set('Idempotency-Key', key);
      expect(first.status).toBe(404);
      const again = await t.http
        .patch(`/api/v1/probe/widgets/${missing}/bump`)
        .set('Authorization', officer)
        .set('Idempotency-Key', key);
      expect(again.status).toBe(404);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.detail).toBe('Widget not found.');

      const failing = randomUUID();
      const failed = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', failing)
        .send({ name: 'fail-after-audit' });
      expect(failed.status).toBe(500);
      const rows = await t.dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [
        failing,
      ]);
      expect(rows).toHaveLength(0);
    });

    it('expired keys are reused as new', async () => {
      const key = randomUUID();
      await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-exp' })
        .expect(201);
      await t.dataSource.query(
        `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`,
        [key],
      );
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', key)
        .send({ name: 'idem-exp-2' });
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    });

    it('refuses a malformed key', async () => {
      const res = await t.http
        .post('/api/v1/probe/widgets')
        .set('Authorization', officer)
        .set('Idempotency-Key', 'x'.repeat(300))
        .send({ name: 'k' });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].loc).toEqual(['header', 'idempotency-key']);
    });
  });

  describe('CORS and security headers', () => {
    it('allows the configured origin with credentials and the contract headers', async () => {
      const res = await t.http
        .options('/api/v1/probe/widgets')
        .set('Origin', 'http://localhost:3000')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'Idempotency-Key,If-Match');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-allow-headers']).toContain('Idempotency-Key');
      const get = await t.http.get('/api/v1/probe/public').set('Origin', 'http://localhost:3000');
      expect(get.headers['access-control-expose-headers']).toContain('Idempotent-Replayed');
      expect(get.headers['x-content-type-options']).toBe('nosniff');
    });

    it('does not allow other origins', async () => {
      const res = await t.http.get('/api/v1/probe/public').set('Origin', 'https://evil.example');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
