import { randomUUID } from 'node:crypto';
import { get as httpGet, type Server } from 'node:http';
import type { Response } from 'supertest';
import { ApplicationReadsService } from '../../src/applications/reads/application-reads.service';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Branch } from '../../src/branches/branch.entity';
import { Department } from '../../src/departments/department.entity';
import {
  createApplication,
  makeUnit,
  member,
  runTransitions,
  transition,
  type Unit,
} from '../harness/applications-fixtures';
import { expectNoSecrets, expectProblem, expectStatus } from '../harness/expect';
import { listen, requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';

/**
 * SPEC §7 "Applications", the read views: cards, relationships, history, stats, the CSV
 * export and the enum lists, each within the caller's scope (§4).
 */

const CARD_FIELDS = [
  'id',
  'display_name',
  'id_number',
  'phone',
  'status',
  'loan_status',
  'loan_amount',
  'requested_amount',
  'interest_rate',
  'loan_start_date',
  'loan_end_date',
  'loan_purposes',
  'product_type',
  'desired_loan_term',
  'portfolio_officer_name',
  'risk_category',
  'priority_level',
  'guarantor_name',
  'status_color',
  'created_at',
  'updated_at',
  'submitted_at',
  'approved_at',
].sort();

const PERSON_FIELDS = [
  'email',
  'first_name',
  'id',
  'last_name',
  'phone_number',
  'role',
  'username',
];

const EXPORT_HEADER = [
  'id',
  'status',
  'loan_status',
  'currency',
  'requested_amount',
  'loan_amount',
  'full_name_latin',
  'full_name_khmer',
  'id_number',
  'phone',
  'product_type',
  'desired_loan_term',
  'priority_level',
  'risk_category',
  'credit_score',
  'branch_id',
  'department_id',
  'user_id',
  'assigned_reviewer',
  'created_at',
  'submitted_at',
  'approved_at',
  'disbursed_at',
];

/** An application as POST /applications answered it. */
type Created = Awaited<ReturnType<typeof createApplication>>;

const BOM = '\uFEFF';

/** An RFC 4180 reader, independent of the server's writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The records of an export as objects keyed by the header. */
function records(res: Response): Record<string, string>[] {
  expect(res.text.startsWith(BOM)).toBe(true);
  const [header, ...rows] = parseCsv(res.text.slice(BOM.length));
  expect(header).toEqual(EXPORT_HEADER);
  for (const row of rows) expect(row).toHaveLength(EXPORT_HEADER.length);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}

/** Submit (auto-assigned to the unit's manager), review, assess: approval_pending. */
async function toApprovalPending(t: TestApp, owner: Actor, reviewer: Actor, id: string) {
  await runTransitions(t, id, [
    [owner, 'submit'],
    [reviewer, 'complete-review'],
    [reviewer, 'assess-risk'],
  ]);
}

describe('Application read views', () => {
  let t: TestApp;
  let admin: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
  });
  afterAll(() => t?.close());

  const get = (actor: Actor | null, path: string) =>
    requestsAs(t, actor, '/api/v1/applications').get(path);

  describe('authentication and routing', () => {
    it.each([
      '/cards',
      '/stats',
      '/stats/summary',
      '/export/csv',
      '/enums/options',
      `/${randomUUID()}/relationships`,
      `/${randomUUID()}/history`,
    ])('GET %s without a token is 401', async (path) => {
      const res = await get(null, path);
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('has an explicit operationId and a summary on every route', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      const ops = (path: string) => doc.paths[`/api/v1/applications${path}`]?.get;
      const expected: [string, string][] = [
        ['/cards', 'applications_cards'],
        ['/stats', 'applications_stats'],
        ['/stats/summary', 'applications_stats_summary'],
        ['/export/csv', 'applications_export_csv'],
        ['/enums/options', 'applications_enum_options'],
        ['/{id}/relationships', 'applications_relationships'],
        ['/{id}/history', 'applications_history'],
      ];
      for (const [path, operationId] of expected) {
        expect(ops(path)).toMatchObject({ operationId, summary: expect.any(String) });
      }
    });
  });

  describe('cards, relationships and history', () => {
    let unit: Unit;
    let manager: Actor;
    let departmentManager: Actor;
    let officer: Actor;
    let viewer: Actor;
    let outsider: Actor;
    let draft: Created;
    let approved: Created;
    let rejected: Created;
    let nameless: Created;
    let khmerOnly: Created;
    let adminDraft: Created;

    beforeAll(async () => {
      const base = await makeUnit(t);
      manager = await member(t, 'manager', base);
      // Manages the department from another branch: not a candidate for auto-assignment.
      const elsewhere = await makeUnit(t);
      departmentManager = await t.signIn({
        role: 'manager',
        branchId: elsewhere.branchId,
        departmentId: base.departmentId,
      });
      await t.dataSource
        .getRepository(Branch)
        .update(base.branchId, { managerId: manager.user.id });
      await t.dataSource
        .getRepository(Department)
        .update(base.departmentId, { managerId: departmentManager.user.id });
      unit = base;
      officer = await member(t, 'officer', unit);
      viewer = await member(t, 'viewer', unit);
      outsider = await member(t, 'manager', await makeUnit(t));

      draft = await createApplication(t, officer, { full_name_latin: `Draft ${tag()}` });
      approved = await createApplication(t, officer, {
        full_name_latin: `Approved ${tag()}`,
        requested_amount: 7000.5,
        guarantor_name: 'Chan Sophea',
        portfolio_officer_name: 'Keo Vannak',
      });
      await toApprovalPending(t, officer, manager, approved.id);
      expectStatus(
        await transition(t, admin, approved.id, 'approve', { approved_amount: 6500.25 }),
        200,
      );
      rejected = await createApplication(t, officer, { full_name_latin: `Rejected ${tag()}` });
      expectStatus(await transition(t, officer, rejected.id, 'submit'), 200);
      expectStatus(
        await transition(t, departmentManager, rejected.id, 'reject', {
          rejection_reason: 'Income not verified',
        }),
        200,
      );
      nameless = await createApplication(t, officer, { full_name_latin: '', full_name_khmer: '' });
      khmerOnly = await createApplication(t, officer, {
        full_name_latin: '',
        full_name_khmer: 'ចាន់ សុផា',
      });
      adminDraft = await createApplication(t, admin, { full_name_latin: `Admin ${tag()}` });
    });

    describe('GET /applications/cards', () => {
      it('answers a page of cards with exactly the card fields', async () => {
        const res = await get(manager, '/cards');
        expectStatus(res, 200);
        expect(res.body).toMatchObject({ total: 5, page: 1, size: 10, pages: 1 });
        expect(res.body.items).toHaveLength(5);
        for (const card of res.body.items) expect(Object.keys(card).sort()).toEqual(CARD_FIELDS);
        expectNoSecrets(res);
        expect(res.text).not.toContain('v1:');
      });

      it('shows the approved card with money as numbers, the id number in clear and blue', async () => {
        const res = await get(
          manager,
          `/cards?search=${encodeURIComponent(approved.full_name_latin)}`,
        );
        expectStatus(res, 200);
        expect(res.body.total).toBe(1);
        expect(res.body.items[0]).toMatchObject({
          id: approved.id,
          display_name: approved.full_name_latin,
          id_number: approved.id_number,
          phone: approved.phone,
          status: 'approved',
          loan_status: 'active',
          status_color: 'blue',
          requested_amount: 7000.5,
          loan_amount: 6500.25,
          interest_rate: 18,
          loan_purposes: ['commerce'],
          product_type: 'monthly_loan',
          desired_loan_term: '12_months',
          portfolio_officer_name: 'Keo Vannak',
          guarantor_name: 'Chan Sophea',
          priority_level: 'normal',
          risk_category: expect.stringMatching(/^(low|medium|high)$/),
          submitted_at: expect.any(String),
          approved_at: expect.any(String),
        });
      });

      it('colours each status (draft gray, rejected red, approved blue, review yellow)', async () => {
        const reviewing = await createApplication(t, officer);
        expectStatus(await transition(t, officer, reviewing.id, 'submit'), 200);
        const res = await get(manager, '/cards?size=100');
        const colour = (id: string) =>
          res.body.items.find((card: { id: string }) => card.id === id)?.status_color;
        expect(colour(draft.id)).toBe('gray');
        expect(colour(rejected.id)).toBe('red');
        expect(colour(approved.id)).toBe('blue');
        expect(colour(reviewing.id)).toBe('yellow');
        expect(res.body.items.find((c: { id: string }) => c.id === reviewing.id).status).toBe(
          'initial_review',
        );
        expectStatus(await transition(t, manager, reviewing.id, 'withdraw'), 200);
        const after = await get(manager, `/cards?status=withdrawn`);
        expect(after.body.items.map((c: { id: string }) => c.id)).toEqual([reviewing.id]);
        expect(after.body.items[0].status_color).toBe('red');
      });

      it('names a card by its Latin name, else Khmer, else "Customer <id number>"', async () => {
        const res = await get(manager, '/cards?size=100');
        const name = (id: string) =>
          res.body.items.find((card: { id: string }) => card.id === id)?.display_name;
        expect(name(khmerOnly.id)).toBe('ចាន់ សុផា');
        expect(name(nameless.id)).toBe(`Customer ${nameless.id_number}`);
      });

      it('filters by loan_status', async () => {
        const active = await get(manager, '/cards?loan_status=active');
        expect(active.body.items.map((c: { id: string }) => c.id)).toEqual([approved.id]);
        const drafts = await get(manager, '/cards?loan_status=draft&size=100');
        const ids = drafts.body.items.map((c: { id: string }) => c.id);
        expect(ids).toEqual(expect.arrayContaining([draft.id, rejected.id, nameless.id]));
        expect(ids).not.toContain(approved.id);
        const none = await get(manager, '/cards?loan_status=defaulted');
        expect(none.body).toMatchObject({ items: [], total: 0 });
      });

      it('filters by several statuses and searches by exact id number', async () => {
        const res = await get(manager, '/cards?status=approved,rejected&size=100');
        expect(res.body.items.map((c: { id: string }) => c.id).sort()).toEqual(
          [approved.id, rejected.id].sort(),
        );
        const byId = await get(manager, `/cards?search=${draft.id_number}`);
        expect(byId.body.items.map((c: { id: string }) => c.id)).toEqual([draft.id]);
      });

      it('keeps to the scope: an officer sees their own, another branch nothing', async () => {
        const own = await get(officer, '/cards?size=100');
        expect(own.body.total).toBeGreaterThanOrEqual(5);
        const other = await get(outsider, '/cards');
        expect(other.body).toMatchObject({ items: [], total: 0 });
      });

      it('refuses unknown filter values and fields (422)', async () => {
        expectProblem(await get(manager, '/cards?loan_status=bogus'), 422);
        expectProblem(await get(manager, '/cards?status=bogus'), 422);
        expectProblem(await get(manager, '/cards?risk_category=low'), 422);
      });

      it('answers with and without a trailing slash', async () => {
        expectStatus(await get(manager, '/cards/'), 200);
      });
    });

    describe('GET /applications/{id}/relationships', () => {
      it('names every person and unit of an approved application', async () => {
        const res = await get(manager, `/${approved.id}/relationships`);
        expectStatus(res, 200);
        expectNoSecrets(res);
        const body = res.body;
        expect(body.application).toMatchObject({
          id: approved.id,
          status: 'approved',
          display_name: approved.full_name_latin,
          loan_amount: 6500.25,
          requested_amount: 7000.5,
        });
        expect(body.officer).toMatchObject({ id: officer.user.id, role: 'officer' });
        expect(body.department).toEqual({
          id: unit.departmentId,
          name: expect.any(String),
          code: expect.any(String),
        });
        expect(body.branch).toEqual({
          id: unit.branchId,
          name: expect.any(String),
          code: expect.any(String),
        });
        expect(body.branch_manager).toMatchObject({ id: manager.user.id });
        expect(body.department_manager).toMatchObject({ id: departmentManager.user.id });
        expect(body.reviewer).toMatchObject({ id: manager.user.id });
        expect(body.approver).toMatchObject({ id: admin.user.id, role: 'admin' });
        expect(body.rejector).toBeNull();
        for (const person of ['officer', 'branch_manager', 'department_manager', 'reviewer']) {
          expect(Object.keys(body[person]).sort()).toEqual(PERSON_FIELDS);
        }
        expect(body.officer).toMatchObject({
          username: officer.user.username,
          first_name: officer.user.firstName,
          last_name: officer.user.lastName,
          email: officer.user.email,
        });
      });

      it('names the rejector of a rejected application', async () => {
        const res = await get(officer, `/${rejected.id}/relationships`);
        expectStatus(res, 200);
        expect(res.body.rejector).toMatchObject({
          id: departmentManager.user.id,
          role: 'manager',
        });
        expect(res.body.approver).toBeNull();
        expect(res.body.reviewer).toMatchObject({ id: manager.user.id });
      });

      it('answers null for what a draft does not have yet', async () => {
        const res = await get(officer, `/${draft.id}/relationships`);
        expectStatus(res, 200);
        expect(res.body).toMatchObject({
          officer: { id: officer.user.id },
          approver: null,
          rejector: null,
          reviewer: null,
        });
        const orphan = await get(admin, `/${adminDraft.id}/relationships`);
        expectStatus(orphan, 200);
        expect(orphan.body).toEqual({
          application: expect.objectContaining({ id: adminDraft.id, status: 'draft' }),
          officer: expect.objectContaining({ id: admin.user.id }),
          department: null,
          branch: null,
          department_manager: null,
          branch_manager: null,
          approver: null,
          rejector: null,
          reviewer: null,
        });
      });

      it('is 404 out of scope or unknown, 422 for a malformed id', async () => {
        expectProblem(await get(outsider, `/${approved.id}/relationships`), 404);
        expectProblem(await get(officer, `/${adminDraft.id}/relationships`), 404);
        expectProblem(await get(manager, `/${randomUUID()}/relationships`), 404);
        const bad = await get(manager, '/not-a-uuid/relationships');
        expectProblem(bad, 422);
        expect(bad.body.errors[0].loc).toEqual(['path', 'id']);
      });
    });

    describe('GET /applications/{id}/history', () => {
      it('lists the events oldest first with actor, action and from/to status', async () => {
        const res = await get(officer, `/${approved.id}/history`);
        expectStatus(res, 200);
        expect(res.body).toMatchObject({ total: 5, page: 1, size: 10, pages: 1 });
        const events = res.body.items;
        expect(
          events.map((e: Record<string, unknown>) => [e.action, e.from_status, e.to_status]),
        ).toEqual([
          ['application.created', null, 'draft'],
          ['application.submit', 'draft', 'initial_review'],
          ['application.complete_review', 'initial_review', 'credit_check'],
          ['application.assess_risk', 'credit_check', 'approval_pending'],
          ['application.approve', 'approval_pending', 'approved'],
        ]);
        expect(events[0]).toMatchObject({
          actor_id: officer.user.id,
          actor_name: officer.user.username,
          actor_role: 'officer',
          entity_type: 'application',
          entity_id: approved.id,
        });
        expect(events[4]).toMatchObject({ actor_id: admin.user.id, actor_role: 'admin' });
        expect(events[1].details).toMatchObject({ assigned_reviewer: manager.user.id });
        for (const event of events) expect(event).not.toHaveProperty('ip');
        const times = events.map((e: { occurred_at: string }) => e.occurred_at);
        expect([...times].sort()).toEqual(times);
      });

      it('records the rejection reason', async () => {
        const res = await get(manager, `/${rejected.id}/history`);
        const last = res.body.items.at(-1);
        expect(last).toMatchObject({
          action: 'application.reject',
          to_status: 'rejected',
          actor_id: departmentManager.user.id,
        });
        expect(JSON.stringify(last.details)).toContain('Income not verified');
      });

      it('is paginated', async () => {
        const res = await get(manager, `/${approved.id}/history?page=3&size=2`);
        expectStatus(res, 200);
        expect(res.body).toMatchObject({ total: 5, page: 3, size: 2, pages: 3 });
        expect(res.body.items.map((e: { action: string }) => e.action)).toEqual([
          'application.approve',
        ]);
        expectProblem(await get(manager, `/${approved.id}/history?page=0`), 422);
      });

      it('reads the events through audit_events_entity_idx', async () => {
        // Enough events of other applications for the planner to prefer the index.
        await t.dataSource.query(
          `INSERT INTO audit_events (occurred_at, action, entity_type, entity_id)
           SELECT now() - make_interval(secs => n), 'application.updated', 'application',
                  gen_random_uuid()::text
             FROM generate_series(1, 20000) AS n`,
        );
        await t.ownerQuery('ANALYZE audit_events');
        const [sql, parameters] = t.app
          .get(ApplicationReadsService)
          .historyQuery(approved.id)
          .limit(10)
          .getQueryAndParameters();
        const plan: { 'QUERY PLAN': string }[] = await t.dataSource.query(
          `EXPLAIN ${sql}`,
          parameters,
        );
        expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain(
          'audit_events_entity_idx',
        );
      });

      it('is visible to whoever may see the application, 404 to others', async () => {
        expectStatus(await get(viewer, `/${approved.id}/history`), 200);
        expectStatus(await get(departmentManager, `/${approved.id}/history`), 200);
        expectProblem(await get(outsider, `/${approved.id}/history`), 404);
        expectProblem(await get(viewer, `/${adminDraft.id}/history`), 404);
        expectProblem(await get(manager, `/${randomUUID()}/history`), 404);
        expectProblem(await get(manager, '/123/history'), 422);
      });
    });
  });

  describe('GET /applications/stats', () => {
    let manager: Actor;
    let officer: Actor;
    let otherManager: Actor;
    let pending: Created;

    beforeAll(async () => {
      const unit = await makeUnit(t);
      manager = await member(t, 'manager', unit);
      officer = await member(t, 'officer', unit);
      await createApplication(t, officer, { requested_amount: 5000, product_type: 'monthly_loan' });
      pending = await createApplication(t, officer, {
        requested_amount: 10000.5,
        product_type: 'weekly_loan',
      });
      await toApprovalPending(t, officer, manager, pending.id);
      await createApplication(t, officer, {
        requested_amount: '101',
        product_type: 'monthly_loan',
      });
      await createApplication(t, officer, {
        requested_amount: 4000000,
        currency: 'KHR',
        product_type: 'daily_loan',
      });
      // Another branch: never counted for this manager.
      const other = await makeUnit(t);
      otherManager = await member(t, 'manager', other);
      const otherOfficer = await member(t, 'officer', other);
      await createApplication(t, otherOfficer, { requested_amount: 999 });
    });

    it('counts every status, risk and product of the scope, and the amounts exactly', async () => {
      const res = await get(manager, '/stats');
      expectStatus(res, 200);
      expect(res.body.status_distribution).toEqual({
        draft: 3,
        submitted: 0,
        initial_review: 0,
        credit_check: 0,
        approval_pending: 1,
        approved: 0,
        rejected: 0,
        disbursed: 0,
        completed: 0,
        withdrawn: 0,
      });
      const risk = res.body.risk_distribution;
      expect(Object.keys(risk).sort()).toEqual(['high', 'low', 'medium', 'unassessed']);
      expect(risk.unassessed).toBe(3);
      expect(risk.low + risk.medium + risk.high).toBe(1);
      expect(res.body.product_distribution).toEqual({
        monthly_loan: 2,
        daily_loan: 1,
        weekly_loan: 1,
      });
      expect(res.body.amount_statistics).toEqual({
        total_applications: 4,
        // 5000 + 10000.50 + 101 + 4000000 (mixed currencies: see by_currency).
        total_amount: 4015101.5,
        // 1003775.375, rounded in SQL.
        average_amount: 1003775.38,
        min_amount: 101,
        max_amount: 4000000,
        by_currency: {
          KHR: {
            total_applications: 1,
            total_amount: 4000000,
            average_amount: 4000000,
            min_amount: 4000000,
            max_amount: 4000000,
          },
          USD: {
            total_applications: 3,
            total_amount: 15101.5,
            // 5033.8333...
            average_amount: 5033.83,
            min_amount: 101,
            max_amount: 10000.5,
          },
        },
      });
    });

    it('sends the sums as exact decimals', async () => {
      const res = await get(manager, '/stats?currency=USD');
      expect(res.text).toContain('"total_amount":15101.5');
      expect(res.text).toContain('"average_amount":5033.83');
    });

    it("takes the list's filters", async () => {
      const usd = await get(manager, '/stats?currency=USD&amount_min=200');
      expectStatus(usd, 200);
      expect(usd.body.amount_statistics).toMatchObject({
        total_applications: 2,
        total_amount: 15000.5,
        average_amount: 7500.25,
        min_amount: 5000,
        max_amount: 10000.5,
      });
      expect(Object.keys(usd.body.amount_statistics.by_currency)).toEqual(['USD']);
      const pendingOnly = await get(manager, '/stats?status=approval_pending');
      expect(pendingOnly.body.status_distribution.approval_pending).toBe(1);
      expect(pendingOnly.body.status_distribution.draft).toBe(0);
      expect(pendingOnly.body.product_distribution).toEqual({ weekly_loan: 1 });
    });

    it('answers the same at /stats/summary', async () => {
      const [stats, summary] = await Promise.all([
        get(manager, '/stats'),
        get(manager, '/stats/summary'),
      ]);
      expectStatus(summary, 200);
      expect(summary.body).toEqual(stats.body);
    });

    it("leaves out another branch's rows", async () => {
      const res = await get(otherManager, '/stats');
      expect(res.body.amount_statistics).toMatchObject({
        total_applications: 1,
        total_amount: 999,
      });
      expect(res.body.status_distribution.draft).toBe(1);
    });

    it('answers zeros for an empty scope', async () => {
      const lonely = await member(t, 'manager', await makeUnit(t));
      const res = await get(lonely, '/stats');
      expectStatus(res, 200);
      expect(Object.values(res.body.status_distribution).every((n) => n === 0)).toBe(true);
      expect(res.body.product_distribution).toEqual({});
      expect(res.body.amount_statistics).toEqual({
        total_applications: 0,
        total_amount: 0,
        average_amount: 0,
        min_amount: 0,
        max_amount: 0,
        by_currency: {},
      });
    });

    it('refuses bad filters and pagination (422)', async () => {
      expectProblem(await get(manager, '/stats?status=bogus'), 422);
      expectProblem(await get(manager, '/stats?amount_min=abc'), 422);
      expectProblem(await get(manager, '/stats?page=2'), 422);
    });

    it('is open to officers and viewers, over their own scope', async () => {
      const res = await get(officer, '/stats');
      expectStatus(res, 200);
      expect(res.body.amount_statistics.total_applications).toBe(4);
    });
  });

  describe('GET /applications/export/csv', () => {
    let unit: Unit;
    let manager: Actor;
    let officer: Actor;
    const tricky = `Sok, "Big" Dara\nsecond line ${tag()}`;
    const formulas = ['=HYPERLINK("http://evil.test","x")', '+1', '@SUM(A1:A2)', '-2+3'];
    let plain: Created;

    beforeAll(async () => {
      unit = await makeUnit(t);
      manager = await member(t, 'manager', unit);
      officer = await member(t, 'officer', unit);
      plain = await createApplication(t, officer, {
        full_name_latin: tricky,
        full_name_khmer: 'សុខ ដារា',
        requested_amount: 5000,
      });
      for (const name of formulas) {
        await createApplication(t, officer, { full_name_latin: name, requested_amount: 1200.5 });
      }
      const submitted = await createApplication(t, officer, {
        full_name_latin: `Submitted ${tag()}`,
        currency: 'KHR',
        requested_amount: 2000000,
      });
      expectStatus(await transition(t, officer, submitted.id, 'submit'), 200);
    });

    const exportAs = (actor: Actor, query = '') => get(actor, `/export/csv${query}`).buffer(true);

    it('streams the rows in scope as an attached UTF-8 CSV file, in the list order', async () => {
      const res = await exportAs(manager);
      expectStatus(res, 200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(
        /^attachment; filename="applications-\d{8}\.csv"$/,
      );
      expect(res.headers['content-length']).toBeUndefined();
      const rows = records(res);
      expect(rows).toHaveLength(6);
      const list = await t.http
        .get('/api/v1/applications?size=100')
        .set('Authorization', manager.bearer);
      expect(rows.map((row) => row.id)).toEqual(list.body.items.map((a: { id: string }) => a.id));
    });

    it('writes the fields of each application, id number in clear, money as decimals', async () => {
      const rows = records(await exportAs(manager));
      const row = rows.find((r) => r.id === plain.id)!;
      expect(row).toMatchObject({
        status: 'draft',
        loan_status: 'draft',
        currency: 'USD',
        requested_amount: '5000.00',
        loan_amount: '',
        full_name_latin: tricky,
        full_name_khmer: 'សុខ ដារា',
        id_number: plain.id_number,
        phone: plain.phone,
        product_type: 'monthly_loan',
        desired_loan_term: '12_months',
        priority_level: 'normal',
        risk_category: '',
        credit_score: '',
        branch_id: unit.branchId,
        department_id: unit.departmentId,
        user_id: officer.user.id,
        assigned_reviewer: '',
        submitted_at: '',
      });
      expect(new Date(row.created_at).toISOString()).toBe(row.created_at);
      const submitted = rows.find((r) => r.status === 'initial_review')!;
      expect(submitted).toMatchObject({ currency: 'KHR', assigned_reviewer: manager.user.id });
      expect(submitted.submitted_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('quotes fields with commas, quotes and line breaks (RFC 4180)', async () => {
      const res = await exportAs(manager);
      expect(res.text).toContain(`"${tricky.replace(/"/g, '""')}"`);
      expect(res.text).toContain('\r\n');
    });

    it('neutralises cells a spreadsheet would run as formulas', async () => {
      const rows = records(await exportAs(manager));
      const names = rows.map((row) => row.full_name_latin);
      for (const formula of formulas) expect(names).toContain(`'${formula}`);
      for (const name of names) expect(name).not.toMatch(/^[=+\-@]/);
    });

    it("applies the list's filters", async () => {
      const searched = records(
        await exportAs(manager, `?search=${encodeURIComponent(plain.id_number)}`),
      );
      expect(searched.map((row) => row.id)).toEqual([plain.id]);
      const submitted = records(await exportAs(manager, '?status=initial_review,submitted'));
      expect(submitted).toHaveLength(1);
      const khr = records(await exportAs(manager, '?currency=KHR'));
      expect(khr.map((row) => row.currency)).toEqual(['KHR']);
      const amounts = records(await exportAs(manager, '?amount_min=1000&amount_max=1300'));
      expect(amounts).toHaveLength(formulas.length);
    });

    it('keeps to the scope: a manager of another branch gets only the header', async () => {
      const stranger = await member(t, 'manager', await makeUnit(t));
      const res = await exportAs(stranger);
      expectStatus(res, 200);
      expect(res.text).toBe(`${BOM}${EXPORT_HEADER.join(',')}\r\n`);
    });

    it('is refused to officers and viewers (403) and to anonymous callers (401)', async () => {
      expectProblem(await get(officer, '/export/csv'), 403);
      expectProblem(await get(await member(t, 'viewer', unit), '/export/csv'), 403);
      expectProblem(await get(null, '/export/csv'), 401);
    });

    it('answers a bad filter with a problem document, not a file (422)', async () => {
      const res = await get(manager, '/export/csv?status=bogus');
      expectProblem(res, 422);
      expect(res.headers['content-disposition']).toBeUndefined();
      expectProblem(await get(manager, '/export/csv?size=10'), 422);
      expectProblem(await get(manager, '/export/csv?date_from=yesterday'), 422);
    });

    it('is audited with the filters and the number of rows', async () => {
      const auditor = await member(t, 'manager', unit);
      const res = await exportAs(auditor, '?currency=USD&status=draft');
      expectStatus(res, 200);
      const events = await t.dataSource
        .getRepository(AuditEvent)
        .find({ where: { action: 'applications.exported', actorId: auditor.user.id } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actorRole: 'manager',
        actorName: auditor.user.username,
        entityType: 'application',
        branchId: unit.branchId,
        requestId: res.headers['x-request-id'],
      });
      expect(events[0].details).toEqual({
        filters: { currency: 'USD', status: ['draft'] },
        row_count: 5,
        completed: true,
      });
    });

    it('pages through more rows than one batch in the list order, each row once', async () => {
      const bulk = await makeUnit(t);
      const bulkManager = await member(t, 'manager', bulk);
      const bulkOfficer = await member(t, 'officer', bulk);
      // Few distinct times and priorities: many ties for the keyset to break by id.
      await t.dataSource.query(
        `INSERT INTO customer_applications
           (user_id, branch_id, department_id, currency, priority_level, requested_amount,
            full_name_latin, created_at)
         SELECT $1, $2, $3, 'USD', (ARRAY['low', 'normal', 'high', 'urgent'])[1 + i % 4], i,
                'Bulk ' || i, now() - (i % 5) * interval '1 second' - interval '1 microsecond' * (i % 3)
           FROM generate_series(1, 2345) AS i`,
        [bulkOfficer.user.id, bulk.branchId, bulk.departmentId],
      );
      const expected: { id: string }[] = await t.dataSource.query(
        `SELECT id FROM customer_applications WHERE branch_id = $1
          ORDER BY priority_rank, created_at DESC, id DESC`,
        [bulk.branchId],
      );
      const rows = records(await exportAs(bulkManager));
      expect(rows).toHaveLength(2345);
      expect(rows.map((row) => row.id)).toEqual(expected.map((row) => row.id));
      const event = await t.dataSource
        .getRepository(AuditEvent)
        .findOneByOrFail({ action: 'applications.exported', actorId: bulkManager.user.id });
      expect(event.details).toMatchObject({ row_count: 2345, completed: true });
    });
    it('audits an export the client broke off as not completed', async () => {
      const big = await makeUnit(t);
      const bigManager = await member(t, 'manager', big);
      const bigOfficer = await member(t, 'officer', big);
      // About 5 MB: far more than the socket buffers take before the client hangs up.
      await t.dataSource.query(
        `INSERT INTO customer_applications
           (user_id, branch_id, department_id, currency, requested_amount, full_name_latin)
         SELECT $1, $2, $3, 'USD', i, repeat('x', 150) || i FROM generate_series(1, 25000) AS i`,
        [bigOfficer.user.id, big.branchId, big.departmentId],
      );
      const server: Server = t.app.getHttpServer();
      const port = await listen(t);
      try {
        await new Promise<void>((resolve, reject) => {
          const request = httpGet(
            {
              host: '127.0.0.1',
              port,
              path: '/api/v1/applications/export/csv',
              headers: { Authorization: bigManager.bearer },
              agent: false,
            },
            (res) => {
              expect(res.statusCode).toBe(200);
              res.once('data', () => {
                request.destroy();
                resolve();
              });
            },
          );
          request.on('error', reject);
        });
        let event: AuditEvent | null = null;
        for (let attempt = 0; attempt < 100 && !event; attempt += 1) {
          event = await t.dataSource
            .getRepository(AuditEvent)
            .findOneBy({ action: 'applications.exported', actorId: bigManager.user.id });
          if (!event) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(event?.details).toMatchObject({ completed: false, row_count: expect.any(Number) });
        expect((event?.details as { row_count: number }).row_count).toBeLessThan(25000);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('GET /applications/enums/options', () => {
    it('answers the application lists with snake_case keys, to every role', async () => {
      const viewer = await t.signIn('viewer');
      const res = await get(viewer, '/enums/options');
      expectStatus(res, 200);
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'id_card_types',
          'loan_statuses',
          'loan_purposes',
          'product_types',
          'risk_categories',
          'priority_levels',
          'application_statuses',
          'loan_terms',
          'workflow_stages',
        ].sort(),
      );
      for (const list of Object.values(res.body) as { value: string; label: string }[][]) {
        expect(list.length).toBeGreaterThan(0);
        for (const option of list) {
          expect(option).toEqual({ value: expect.any(String), label: expect.any(String) });
        }
      }
      const values = (key: string) => res.body[key].map((o: { value: string }) => o.value);
      expect(values('product_types')).toEqual(
        expect.arrayContaining(['monthly_loan', 'biweekly_loan', 'weekly_loan', 'daily_loan']),
      );
      expect(values('application_statuses')).toContain('approval_pending');
      expect(values('workflow_stages')).toEqual([
        'submitted',
        'initial_review',
        'credit_check',
        'approval_pending',
      ]);
      const all = await t.http.get('/api/v1/enums/all').set('Authorization', viewer.bearer);
      expect(res.body.loan_terms).toEqual(all.body.loanTerms);
      expect(res.body.id_card_types).toEqual(all.body.idCardTypes);
    });
  });

  it('never takes the fixed paths for an application id', async () => {
    const res = await get(admin, '/stats/summary');
    expectStatus(res, 200);
    expect(res.body).toHaveProperty('status_distribution');
  });
});
