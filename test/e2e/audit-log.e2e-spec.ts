import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { AuditService } from '../../src/audit/audit.service';
import type { Branch } from '../../src/branches/branch.entity';
import type { AuthUser } from '../../src/common/auth/auth-user';
import type { Department } from '../../src/departments/department.entity';
import type { User } from '../../src/users/user.entity';
import { expectProblem } from '../harness/expect';
import { pageIds } from '../harness/http';
import { type Actor, authUserOf, createUser, TEST_PASSWORD } from '../harness/identity';
import { makeBranch, makeDepartment } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';

interface EventFields {
  occurred_at?: string;
  actor_id?: string | null;
  actor_name?: string | null;
  actor_role?: string | null;
  action?: string;
  entity_type?: string | null;
  entity_id?: string | null;
  branch_id?: string | null;
  department_id?: string | null;
  from_status?: string | null;
  to_status?: string | null;
  details?: Record<string, unknown>;
  request_id?: string | null;
  ip?: string | null;
}

const ITEM_KEYS = [
  'id',
  'occurred_at',
  'actor_id',
  'actor_name',
  'actor_role',
  'action',
  'entity_type',
  'entity_id',
  'branch_id',
  'department_id',
  'from_status',
  'to_status',
  'details',
  'request_id',
  'ip',
];

/** SPEC §7 "Audit" and §4 (admin all, manager own scope), end to end. */
describe('Audit log API', () => {
  let t: TestApp;
  let admin: Actor;
  let branchA: Branch;
  let branchB: Branch;
  let departmentA: Department;
  let departmentB: Department;
  /** Manager of branch A and department A. */
  let manager: Actor;

  const url = '/api/v1/audit';

  beforeAll(async () => {
    t = await createTestApp();
    [branchA, branchB] = await Promise.all(
      ['A', 'B'].map((name) => makeBranch(t, { name: `Branch ${name} ${tag()}` })),
    );
    [departmentA, departmentB] = await Promise.all(
      ['A', 'B'].map((name) => makeDepartment(t, { name: `Dept ${name} ${tag()}` })),
    );
    admin = await t.signIn('admin');
    manager = await t.signIn({
      role: 'manager',
      branchId: branchA.id,
      departmentId: departmentA.id,
    });
  });
  afterAll(() => t?.close());

  /** Inserts events straight into the table (times chosen by the test). */
  async function insert(...events: EventFields[]): Promise<string[]> {
    const ids: string[] = [];
    for (const event of events) {
      const [row]: { id: string }[] = await t.dataSource.query(
        `INSERT INTO audit_events (occurred_at, actor_id, actor_name, actor_role, action, entity_type,
           entity_id, branch_id, department_id, from_status, to_status, details, request_id, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
        [
          event.occurred_at ?? new Date().toISOString(),
          event.actor_id ?? null,
          event.actor_name ?? null,
          event.actor_role ?? null,
          event.action ?? 'test.event',
          event.entity_type ?? null,
          event.entity_id ?? null,
          event.branch_id ?? null,
          event.department_id ?? null,
          event.from_status ?? null,
          event.to_status ?? null,
          JSON.stringify(event.details ?? {}),
          event.request_id ?? null,
          event.ip ?? null,
        ],
      );
      ids.push(row.id);
    }
    return ids;
  }

  const list = (bearer: string, query: Record<string, string | number> = {}) =>
    t.http.get(url).set('Authorization', bearer).query(query);

  function expect422(res: Response, field: string): void {
    expectProblem(res, 422);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ loc: ['query', field], msg: expect.any(String) }),
      ]),
    );
  }

  describe('access', () => {
    it('refuses anonymous callers (401 with WWW-Authenticate)', async () => {
      const res = await t.http.get(url);
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('refuses officers and viewers (403), even in the branch of the events', async () => {
      for (const role of ['officer', 'viewer'] as const) {
        const { bearer } = await t.signIn({ role, branchId: branchA.id });
        expectProblem(await list(bearer), 403);
      }
    });

    it('answers admins and managers, with and without a trailing slash', async () => {
      for (const bearer of [admin.bearer, manager.bearer]) {
        expect((await list(bearer)).status).toBe(200);
        expect((await t.http.get(`${url}/`).set('Authorization', bearer)).status).toBe(200);
      }
    });
  });

  describe('listing', () => {
    it('returns the standard page envelope and every field of an event', async () => {
      const entityType = `t_${tag()}`;
      const actorId = randomUUID();
      const entityId = randomUUID();
      const [id] = await insert({
        occurred_at: '2001-02-03T04:05:06.789Z',
        actor_id: actorId,
        actor_name: 'sokha.admin',
        actor_role: 'admin',
        action: 'application.approved',
        entity_type: entityType,
        entity_id: entityId,
        branch_id: branchA.id,
        department_id: departmentA.id,
        from_status: 'approval_pending',
        to_status: 'approved',
        details: { comment: 'ឯកសារគ្រប់គ្រាន់', amount: '1500.00' },
        request_id: 'req-123',
        ip: '203.0.113.7',
      });
      const res = await list(admin.bearer, { entity_type: entityType });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [expect.any(Object)],
        total: 1,
        page: 1,
        size: 10,
        pages: 1,
      });
      expect(Object.keys(res.body.items[0]).sort()).toEqual([...ITEM_KEYS].sort());
      expect(res.body.items[0]).toEqual({
        id,
        occurred_at: '2001-02-03T04:05:06.789Z',
        actor_id: actorId,
        actor_name: 'sokha.admin',
        actor_role: 'admin',
        action: 'application.approved',
        entity_type: entityType,
        entity_id: entityId,
        branch_id: branchA.id,
        department_id: departmentA.id,
        from_status: 'approval_pending',
        to_status: 'approved',
        details: { comment: 'ឯកសារគ្រប់គ្រាន់', amount: '1500.00' },
        request_id: 'req-123',
        ip: '203.0.113.7',
      });
    });

    it('orders newest first, then by id (descending) among events of the same instant', async () => {
      const entityType = `t_${tag()}`;
      const [oldest, newest] = await insert(
        { entity_type: entityType, occurred_at: '2002-01-01T00:00:00Z' },
        { entity_type: entityType, occurred_at: '2002-01-03T00:00:00Z' },
      );
      const sameInstant = await insert(
        { entity_type: entityType, occurred_at: '2002-01-02T00:00:00Z' },
        { entity_type: entityType, occurred_at: '2002-01-02T00:00:00Z' },
        { entity_type: entityType, occurred_at: '2002-01-02T00:00:00Z' },
      );
      const res = await list(admin.bearer, { entity_type: entityType });
      expect(pageIds(res)).toEqual([newest, ...[...sameInstant].sort().reverse(), oldest]);
    });

    it('paginates: page and size, pages, no overlap, size clamped to 100', async () => {
      const entityType = `t_${tag()}`;
      const inserted = await insert(
        ...Array.from({ length: 25 }, (_, index) => ({
          entity_type: entityType,
          occurred_at: new Date(Date.UTC(2003, 0, 1, 0, index)).toISOString(),
        })),
      );
      const newestFirst = [...inserted].reverse();
      const pages = [];
      for (const page of [1, 2, 3]) {
        const res = await list(admin.bearer, { entity_type: entityType, page, size: 10 });
        expect(res.body).toMatchObject({ total: 25, page, size: 10, pages: 3 });
        pages.push(...pageIds(res));
      }
      expect(pages).toEqual(newestFirst);
      const beyond = await list(admin.bearer, { entity_type: entityType, page: 4, size: 10 });
      expect(beyond.body).toMatchObject({ items: [], total: 25, page: 4, pages: 3 });
      const clamped = await list(admin.bearer, { entity_type: entityType, size: 1000 });
      expect(clamped.body).toMatchObject({ total: 25, size: 100, pages: 1 });
      expect(pageIds(clamped)).toEqual(newestFirst);
    });
  });

  describe('filters', () => {
    let entityType: string;
    let actorOne: string;
    let actorTwo: string;
    let entityOne: string;
    let events: Record<string, string>;

    beforeAll(async () => {
      entityType = `t_${tag()}`;
      actorOne = randomUUID();
      actorTwo = randomUUID();
      entityOne = randomUUID();
      const [login, failed, updated, created, likeTrap, other] = await insert(
        {
          entity_type: entityType,
          actor_id: actorOne,
          action: 'auth.login',
          entity_id: entityOne,
          occurred_at: '2004-06-01T10:00:00Z',
        },
        {
          entity_type: entityType,
          action: 'auth.login_failed',
          entity_id: entityOne,
          occurred_at: '2004-06-02T10:00:00Z',
        },
        {
          entity_type: entityType,
          actor_id: actorTwo,
          action: 'user.updated',
          entity_id: entityOne,
          occurred_at: '2004-06-03T10:00:00Z',
        },
        {
          entity_type: entityType,
          actor_id: actorTwo,
          action: 'user.created',
          entity_id: randomUUID(),
          occurred_at: '2004-06-04T10:00:00.000500Z',
        },
        // `_` and `%` in a prefix match themselves only.
        { entity_type: entityType, action: 'authxlogin', occurred_at: '2004-06-05T10:00:00Z' },
        { entity_type: entityType, action: 'setting.updated', occurred_at: '2004-06-06T10:00:00Z' },
      );
      events = { login, failed, updated, created, likeTrap, other };
    });

    const filtered = async (query: Record<string, string>) => {
      const res = await list(admin.bearer, { entity_type: entityType, ...query });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(res.body.items.length);
      return pageIds(res);
    };

    it('by entity_type alone', async () => {
      expect(await filtered({})).toHaveLength(6);
      expect(await filtered({ entity_type: `nothing_${tag()}` })).toEqual([]);
    });

    it('by actor_id', async () => {
      expect(await filtered({ actor_id: actorTwo })).toEqual([events.created, events.updated]);
      expect(await filtered({ actor_id: actorOne.toUpperCase() })).toEqual([events.login]);
      expect(await filtered({ actor_id: randomUUID() })).toEqual([]);
    });

    it('by action, exactly', async () => {
      expect(await filtered({ action: 'auth.login' })).toEqual([events.login]);
      expect(await filtered({ action: 'auth' })).toEqual([]);
    });

    it('by action prefix ending with *', async () => {
      expect(await filtered({ action: 'auth.*' })).toEqual([events.failed, events.login]);
      expect(await filtered({ action: 'auth.login*' })).toEqual([events.failed, events.login]);
      expect(await filtered({ action: 'user.*' })).toEqual([events.created, events.updated]);
      expect(await filtered({ action: 'auth_*' })).toEqual([]);
      expect(await filtered({ action: '%*' })).toEqual([]);
      expect(await filtered({ action: '*' })).toHaveLength(6);
    });

    it('by entity_id (with entity_type)', async () => {
      expect(await filtered({ entity_id: entityOne })).toEqual([
        events.updated,
        events.failed,
        events.login,
      ]);
    });

    it('by date range, both ends inclusive; no offset means UTC', async () => {
      expect(
        await filtered({ date_from: '2004-06-02T10:00:00Z', date_to: '2004-06-03T10:00:00Z' }),
      ).toEqual([events.updated, events.failed]);
      expect(await filtered({ date_from: '2004-06-05T10:00:00' })).toEqual([
        events.other,
        events.likeTrap,
      ]);
      expect(await filtered({ date_to: '2004-06-01T17:00:00+07:00' })).toEqual([events.login]);
      expect(await filtered({ date_to: '2004-06-01T16:59:59+07:00' })).toEqual([]);
      // Times travel with milliseconds (the column keeps microseconds): the event stored at
      // 10:00:00.000500 is shown as 10:00:00.000Z, and that time finds it from both ends.
      const created = (
        await list(admin.bearer, { entity_type: entityType, action: 'user.created' })
      ).body.items[0];
      expect(created.occurred_at).toBe('2004-06-04T10:00:00.000Z');
      expect(
        await filtered({ date_from: created.occurred_at, date_to: created.occurred_at }),
      ).toEqual([events.created]);
      expect(await filtered({ date_from: '2004-06-04T10:00:00.001Z' })).toEqual([
        events.other,
        events.likeTrap,
      ]);
    });

    it('combines filters with AND', async () => {
      expect(
        await filtered({
          action: 'auth.*',
          entity_id: entityOne,
          date_from: '2004-06-02T00:00:00Z',
        }),
      ).toEqual([events.failed]);
      expect(await filtered({ actor_id: actorOne, action: 'user.*' })).toEqual([]);
    });

    it('treats an empty filter as not given', async () => {
      expect(await filtered({ action: '', actor_id: '', date_from: '' })).toHaveLength(6);
    });
  });

  describe('manager scope', () => {
    let entityType: string;
    let visible: string[];
    let hidden: string[];

    beforeAll(async () => {
      entityType = `t_${tag()}`;
      const at = (day: number) => new Date(Date.UTC(2005, 0, day)).toISOString();
      const someone = randomUUID();
      visible = await insert(
        // Their branch, whoever acted and whatever the department.
        {
          entity_type: entityType,
          actor_id: someone,
          branch_id: branchA.id,
          department_id: departmentB.id,
          occurred_at: at(1),
        },
        // Their department, in another branch.
        {
          entity_type: entityType,
          actor_id: someone,
          branch_id: branchB.id,
          department_id: departmentA.id,
          occurred_at: at(2),
        },
        // Their own action, about nothing scoped.
        { entity_type: entityType, actor_id: manager.user.id, occurred_at: at(3) },
      );
      hidden = await insert(
        // Another branch and another department.
        {
          entity_type: entityType,
          actor_id: someone,
          branch_id: branchB.id,
          department_id: departmentB.id,
          occurred_at: at(4),
        },
        // Another branch, no department.
        { entity_type: entityType, actor_id: someone, branch_id: branchB.id, occurred_at: at(5) },
        // Unscoped events of others (system events, settings changes).
        { entity_type: entityType, actor_id: admin.user.id, occurred_at: at(6) },
        { entity_type: entityType, occurred_at: at(7) },
      );
    });

    it('shows a manager the events of their branch, their department and their own', async () => {
      const res = await list(manager.bearer, { entity_type: entityType });
      expect(pageIds(res)).toEqual([...visible].reverse());
      expect(res.body.total).toBe(3);
      const asAdmin = await list(admin.bearer, { entity_type: entityType });
      expect(pageIds(asAdmin)).toEqual([...visible, ...hidden].reverse());
    });

    it('applies the scope before the filters (a filter never widens it) and to the count', async () => {
      for (const id of hidden) {
        const [row]: { branch_id: string | null; actor_id: string | null }[] =
          await t.dataSource.query('SELECT branch_id, actor_id FROM audit_events WHERE id = $1', [
            id,
          ]);
        if (!row.actor_id) continue;
        const res = await list(manager.bearer, { entity_type: entityType, actor_id: row.actor_id });
        expect(pageIds(res)).not.toContain(id);
        expect(res.body.total).toBe(res.body.items.length);
      }
      const paged = await list(manager.bearer, { entity_type: entityType, size: 2, page: 2 });
      expect(paged.body).toMatchObject({ total: 3, pages: 2, size: 2, page: 2 });
      expect(pageIds(paged)).toEqual([visible[0]]);
    });

    it('shows a manager with neither branch nor department only their own actions', async () => {
      const loner = await t.signIn('manager');
      const [own] = await insert({
        entity_type: entityType,
        actor_id: loner.user.id,
        occurred_at: '2005-02-01T00:00:00Z',
      });
      const res = await list(loner.bearer, { entity_type: entityType });
      expect(pageIds(res)).toEqual([own]);
    });

    it('includes real events: a login in their branch is seen, one in another branch is not', async () => {
      const password = TEST_PASSWORD;
      const inBranch = await createUser(t.app, { branchId: branchA.id });
      const elsewhere = await createUser(t.app, { branchId: branchB.id });
      const requestIds: string[] = [];
      for (const user of [inBranch, elsewhere]) {
        const requestId = `audit-log-${tag()}`;
        requestIds.push(requestId);
        const res = await t.http
          .post('/api/v1/auth/login')
          .set('X-Request-Id', requestId)
          .type('form')
          .send({ username: user.username, password });
        expect(res.status).toBe(200);
      }
      const res = await list(manager.bearer, { action: 'auth.login', entity_type: 'user' });
      const items = res.body.items as { entity_id: string; request_id: string; actor_id: string }[];
      expect(items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            entity_id: inBranch.id,
            actor_id: inBranch.id,
            request_id: requestIds[0],
            branch_id: branchA.id,
          }),
        ]),
      );
      expect(items.map((item) => item.entity_id)).not.toContain(elsewhere.id);
      const asAdmin = await list(admin.bearer, { action: 'auth.login', entity_id: elsewhere.id });
      expect(asAdmin.body.items).toEqual([
        expect.objectContaining({ request_id: requestIds[1], actor_role: 'officer' }),
      ]);
    });
  });

  describe('bad input (422)', () => {
    it('refuses a malformed date_from or date_to', async () => {
      for (const value of [
        'yesterday',
        '2025-13-01T00:00:00Z',
        '2025-02-30T10:00:00Z',
        '1700000000',
      ]) {
        expect422(await list(admin.bearer, { date_from: value }), 'date_from');
      }
      expect422(await list(admin.bearer, { date_to: 'not a time' }), 'date_to');
    });

    it('refuses a date without a time (a calendar day would be ambiguous)', async () => {
      const res = await list(admin.bearer, { date_from: '2025-01-31' });
      expect422(res, 'date_from');
      expect(res.body.errors[0].msg).toMatch(/date and time/);
    });

    it('refuses date_to before date_from', async () => {
      const res = await list(admin.bearer, {
        date_from: '2025-01-02T00:00:00Z',
        date_to: '2025-01-01T00:00:00Z',
      });
      expect422(res, 'date_to');
    });

    it('refuses a malformed UUID in actor_id', async () => {
      const res = await list(admin.bearer, { actor_id: 'not-a-uuid' });
      expect422(res, 'actor_id');
      expect(res.body.errors[0]).toMatchObject({ msg: 'must be a UUID', type: 'isUuid' });
      expect422(await list(manager.bearer, { actor_id: "1' OR '1'='1" }), 'actor_id');
    });

    it('refuses a "*" anywhere but at the end of action, and over-long values', async () => {
      expect422(await list(admin.bearer, { action: 'auth*.login' }), 'action');
      expect422(await list(admin.bearer, { action: '**' }), 'action');
      expect422(await list(admin.bearer, { action: 'a'.repeat(101) }), 'action');
      expect422(await list(admin.bearer, { entity_type: 'e'.repeat(51) }), 'entity_type');
    });

    it('refuses unknown query fields and bad pages', async () => {
      expectProblem(await list(admin.bearer, { actor: randomUUID() }), 422);
      expect422(await list(admin.bearer, { page: 0 }), 'page');
      expect422(await list(admin.bearer, { size: 'ten' }), 'size');
    });
  });

  describe('query plan', () => {
    /** The plan of the page query the service runs, with its parameters. */
    async function plan(caller: AuthUser, query: Record<string, unknown>): Promise<string> {
      const [sql, parameters] = t.app
        .get(AuditService)
        .pageQuery(caller, { page: 1, size: 10, ...query })
        .getQueryAndParameters();
      const rows: { 'QUERY PLAN': string }[] = await t.dataSource.query(
        `EXPLAIN ${sql}`,
        parameters,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    }

    const asCaller = (who: { user: User }): AuthUser => authUserOf(who.user, 'explain');

    it('reads the default page from audit_events_occurred_at_idx, an entity from its own index', async () => {
      // Enough rows, spread over branches and actions, for the planner to prefer an index.
      await t.dataSource.query(
        `INSERT INTO audit_events (occurred_at, actor_id, action, entity_type, entity_id, branch_id)
         SELECT now() - make_interval(secs => n), gen_random_uuid(), 'bulk.' || (n % 50),
                'bulk', n::text, CASE WHEN n % 20 = 0 THEN $1::uuid ELSE gen_random_uuid() END
           FROM generate_series(1, 50000) AS n`,
        [branchA.id],
      );
      await t.dataSource.query('ANALYZE audit_events');
      const adminPlan = await plan(asCaller(admin), {});
      expect(adminPlan).toMatch(/Index Scan using audit_events_occurred_at_idx/);
      expect(adminPlan).not.toMatch(/Sort/);
      const entityPlan = await plan(asCaller(admin), { entity_type: 'bulk', entity_id: '77' });
      expect(entityPlan).toMatch(/audit_events_entity_idx/);
    });
  });
});
