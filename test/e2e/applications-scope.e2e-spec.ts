import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import {
  createApplication,
  makeUnit,
  member,
  runTransitions,
  type Step,
  transition,
  type Unit,
} from '../harness/applications-fixtures';
import { expectProblem, expectStatus, isProblem } from '../harness/expect';
import { requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { putSetting } from '../harness/settings-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';

/**
 * SPEC §4 (scope, who may act, segregation of duties, approval authority, reassign) for the
 * applications routes and the customers routes, with the refusal order of §6. Every expected
 * status and every visible set below is written by hand from the SPEC, never derived from the
 * permission map or the scope code under test (STYLE.md, "Tests").
 *
 * The world: unit A (branch A + department A), unit B (branch B + department B) and the "cross"
 * combination (branch B + department A); users with no branch and no department. Automatic
 * reviewer assignment is off in this file, so that every reviewer is one the test chose.
 */

const ACTORS = [
  'adminX',
  'managerA',
  'managerB',
  'managerCross',
  'managerNone',
  'officerA1',
  'officerA2',
  'officerB',
  'officerX',
  'viewerA',
  'viewerB',
  'viewerNone',
] as const;
type ActorName = (typeof ACTORS)[number];

/** Where each actor works: a unit, the cross combination, or nowhere (admins see all anyway). */
const WORKPLACE: Record<ActorName, 'A' | 'B' | 'cross' | 'none'> = {
  adminX: 'none',
  managerA: 'A',
  managerB: 'B',
  managerCross: 'cross',
  managerNone: 'none',
  officerA1: 'A',
  officerA2: 'A',
  officerB: 'B',
  officerX: 'cross',
  viewerA: 'A',
  viewerB: 'B',
  viewerNone: 'none',
};

const ROLE_OF: Record<ActorName, 'admin' | 'manager' | 'officer' | 'viewer'> = {
  adminX: 'admin',
  managerA: 'manager',
  managerB: 'manager',
  managerCross: 'manager',
  managerNone: 'manager',
  officerA1: 'officer',
  officerA2: 'officer',
  officerB: 'officer',
  officerX: 'officer',
  viewerA: 'viewer',
  viewerB: 'viewer',
  viewerNone: 'viewer',
};

/** The lifecycle stages an application can be prepared in, in order. */
const STAGES = [
  'draft',
  'submitted',
  'initial_review',
  'credit_check',
  'approval_pending',
  'approved',
  'disbursed',
  'completed',
] as const;
type Stage = (typeof STAGES)[number];

interface ApplicationBody {
  id: string;
  status: string;
  version: number;
  user_id: string;
  branch_id: string | null;
  department_id: string | null;
  customer_id: string | null;
  id_number: string | null;
  assigned_reviewer: string | null;
  loan_amount: number | null;
}

interface Listed {
  id: string;
}

describe('Applications and customers: scope, who may act, refusal order, reassign', () => {
  let t: TestApp;
  let unitA: Unit;
  let unitB: Unit;
  const actors = {} as Record<ActorName, Actor>;
  /** A second admin, unrelated to anything the first one does. */
  let adminY: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    unitA = await makeUnit(t);
    unitB = await makeUnit(t);
    const cross: Unit = { branchId: unitB.branchId, departmentId: unitA.departmentId };
    for (const name of ACTORS) {
      const where = WORKPLACE[name];
      actors[name] =
        where === 'none'
          ? await t.signIn({ role: ROLE_OF[name], branchId: null, departmentId: null })
          : await member(t, ROLE_OF[name], where === 'A' ? unitA : where === 'B' ? unitB : cross);
    }
    adminY = await t.signIn({ role: 'admin', branchId: null, departmentId: null });
    const off = await putSetting(t, actors.adminX, 'auto_assign_applications', false);
    expectStatus(off, 200);
  });
  afterAll(() => t?.close());

  const as = (actor: Actor) => requestsAs(t, actor);

  /** The application as the admin reads it (status and version, to see that nothing changed). */
  async function read(id: string): Promise<ApplicationBody> {
    const res = await as(actors.adminX).get(`/applications/${id}`);
    expectStatus(res, 200);
    return res.body;
  }

  /** Sets the reviewer behind the API's back (see the callers for why). */
  async function assignBySql(id: string, reviewer: Actor): Promise<void> {
    await t.dataSource.query(
      `UPDATE customer_applications SET assigned_reviewer = $2 WHERE id = $1`,
      [id, reviewer.user.id],
    );
  }

  /**
   * A new application of `owner` (default officerA1), moved to `stage`: submitted by its owner,
   * then assigned to `reviewer` (default managerA) and moved on by adminX, who neither created
   * nor submitted it.
   */
  async function applicationIn(
    stage: Stage,
    options: { owner?: Actor; reviewer?: Actor; fields?: Record<string, unknown> } = {},
  ): Promise<ApplicationBody> {
    const owner = options.owner ?? actors.officerA1;
    const reviewer = options.reviewer ?? actors.managerA;
    const admin = actors.adminX;
    let app: ApplicationBody = (await createApplication(
      t,
      owner,
      options.fields,
    )) as ApplicationBody;
    const steps: Step[] = [
      [owner, 'submit', {}],
      [admin, 'assign-reviewer', { reviewer_id: reviewer.user.id }],
      [admin, 'complete-review', {}],
      [admin, 'assess-risk', {}],
      [admin, 'approve', {}],
      [admin, 'disburse', {}],
      [admin, 'complete', {}],
    ];
    const moved = await runTransitions(t, app.id, steps.slice(0, STAGES.indexOf(stage)));
    if (moved) app = moved as ApplicationBody;
    expect(app.status).toBe(stage);
    return app;
  }

  // --------------------------------------------------------------------------------------------
  describe('1. visibility: GET, list total and ids, exact id-number search', () => {
    const APPS = ['A1', 'A2', 'B1', 'X', 'N'] as const;
    type AppName = (typeof APPS)[number];

    // Hand-written from SPEC §4 "read in scope":
    //   A1: officerA1's, unit A, submitted and in review with managerNone as assigned reviewer
    //   A2: officerA2's draft, unit A
    //   B1: officerB's draft, unit B
    //   X:  officerX's draft, branch B + department A (the cross combination)
    //   N:  managerNone's draft (no branch, no department)
    // prettier-ignore
    const VISIBLE: Record<ActorName, AppName[]> = {
      adminX:       ['A1', 'A2', 'B1', 'N', 'X'],
      managerA:     ['A1', 'A2', 'X'],        // branch A, or department A (X)
      managerB:     ['B1', 'X'],              // branch B (X's branch), not department A
      managerCross: ['A1', 'A2', 'B1', 'X'],  // branch B, or department A
      managerNone:  ['A1', 'N'],              // only what they were assigned or created
      officerA1:    ['A1'],
      officerA2:    ['A2'],
      officerB:     ['B1'],
      officerX:     ['X'],
      viewerA:      ['A1', 'A2'],             // branch A; a viewer's department does not count
      viewerB:      ['B1', 'X'],              // branch B
      viewerNone:   [],                       // no branch: nothing (rows without a branch included)
    };

    const searchTag = `scope-${tag()}`;
    const world = {} as Record<AppName, ApplicationBody>;
    const nameOf = (id: string) => APPS.find((name) => world[name].id === id) ?? id;
    const names = (items: Listed[]) => items.map((item) => nameOf(item.id)).sort();

    beforeAll(async () => {
      const owners: Record<AppName, ActorName> = {
        A1: 'officerA1',
        A2: 'officerA2',
        B1: 'officerB',
        X: 'officerX',
        N: 'managerNone',
      };
      for (const name of APPS) {
        world[name] = (await createApplication(t, actors[owners[name]], {
          portfolio_officer_name: searchTag,
          full_name_latin: `Borrower ${searchTag} ${name}`,
        })) as ApplicationBody;
      }
      expectStatus(await transition(t, actors.officerA1, world.A1.id, 'submit'), 200);
      expectStatus(
        await transition(t, actors.adminX, world.A1.id, 'assign-reviewer', {
          reviewer_id: actors.managerA.user.id,
        }),
        200,
      );
      // assign-reviewer refuses managerNone (a reviewer must already have the application in
      // scope, and managerNone has no branch or department), so the "assigned" visibility is set
      // up by SQL: the row is as a reassignment made before managerNone lost their unit.
      await assignBySql(world.A1.id, actors.managerNone);
    });

    it.each(ACTORS)('%s: GET, list and id-number search show exactly its rows', async (name) => {
      const actor = actors[name];
      const expected = VISIBLE[name];
      const statuses: number[] = [];
      for (const app of APPS) {
        statuses.push((await as(actor).get(`/applications/${world[app].id}`)).status);
      }
      expect(statuses).toEqual(APPS.map((app) => (expected.includes(app) ? 200 : 404)));

      const list = await as(actor).get(`/applications?search=${searchTag}&size=100`);
      expectStatus(list, 200);
      expect(names(list.body.items)).toEqual([...expected].sort());
      expect(list.body.total).toBe(expected.length);

      const found: number[] = [];
      for (const app of APPS) {
        const res = await as(actor).get(
          `/applications?search=${encodeURIComponent(world[app].id_number ?? '')}`,
        );
        expectStatus(res, 200);
        found.push(res.body.total);
        if (res.body.total > 0) expect(res.body.items[0].id).toBe(world[app].id);
      }
      expect(found).toEqual(APPS.map((app) => (expected.includes(app) ? 1 : 0)));
    });

    it('keeps filters inside the scope (a filter never widens it)', async () => {
      const m = as(actors.managerB);
      const byUser = await m.get(`/applications?user_id=${actors.officerA1.user.id}`);
      expect(byUser.body.total).toBe(0);
      const byBranch = await m.get(`/applications?branch_id=${unitA.branchId}`);
      expect(byBranch.body.total).toBe(0);
      const byCustomer = await m.get(`/applications?customer_id=${world.A1.customer_id}`);
      expect(byCustomer.body.total).toBe(0);
      const byReviewer = await as(actors.viewerA).get(
        `/applications?search=${searchTag}&assigned_reviewer=${actors.managerNone.user.id}`,
      );
      expect(byReviewer.body.items.map((item: Listed) => item.id)).toEqual([world.A1.id]);
    });

    it('answers out of scope exactly as "does not exist" (a problem document, no hint)', async () => {
      const hidden = await as(actors.managerB).get(`/applications/${world.A1.id}`);
      expectProblem(hidden, 404);
      const missingId = randomUUID();
      const missing = await as(actors.managerB).get(`/applications/${missingId}`);
      expectProblem(missing, 404);
      expect(hidden.body.detail.replace(world.A1.id, '<id>')).toBe(
        missing.body.detail.replace(missingId, '<id>'),
      );
      expect(hidden.text).not.toContain(world.A1.id_number ?? '-');
      expect(hidden.text).not.toContain(searchTag);
    });

    describe('customers (each registered with its application, so the same sets)', () => {
      it.each(ACTORS)('%s: GET, applications, list and id-number search', async (name) => {
        const actor = actors[name];
        const expected = VISIBLE[name];
        const statuses: number[] = [];
        const appStatuses: number[] = [];
        for (const app of APPS) {
          const id = world[app].customer_id;
          statuses.push((await as(actor).get(`/customers/${id}`)).status);
          const apps = await as(actor).get(`/customers/${id}/applications`);
          appStatuses.push(apps.status);
          if (apps.status === 200) {
            expect(apps.body.items.map((item: Listed) => item.id)).toEqual([world[app].id]);
          }
        }
        const want = APPS.map((app) => (expected.includes(app) ? 200 : 404));
        expect(statuses).toEqual(want);
        expect(appStatuses).toEqual(want);

        const list = await as(actor).get(`/customers?search=${searchTag}&size=100`);
        expectStatus(list, 200);
        const customerNames = (list.body.items as Listed[])
          .map((item) => APPS.find((app) => world[app].customer_id === item.id) ?? item.id)
          .sort();
        expect(customerNames).toEqual([...expected].sort());
        expect(list.body.total).toBe(expected.length);

        const found: number[] = [];
        for (const app of APPS) {
          const res = await as(actor).get(
            `/customers?search=${encodeURIComponent(world[app].id_number ?? '')}`,
          );
          expectStatus(res, 200);
          found.push(res.body.total);
        }
        expect(found).toEqual(APPS.map((app) => (expected.includes(app) ? 1 : 0)));
      });

      it('refuses to edit a customer out of scope (404), and viewers any (403)', async () => {
        const id = world.A1.customer_id;
        const edit = { occupation: `Edited ${tag()}` };
        expectProblem(await as(actors.managerB).patch(`/customers/${id}`, edit), 404);
        expectProblem(await as(actors.officerA2).patch(`/customers/${id}`, edit), 404);
        expectProblem(await as(actors.viewerA).patch(`/customers/${id}`, edit), 403);
        expect((await as(actors.officerA1).patch(`/customers/${id}`, edit)).status).toBe(200);
      });

      it("shows a shared customer's other-branch applications to nobody outside their scope", async () => {
        const a = await createApplication(t, actors.officerA2);
        const identity = { id_card_type: a.id_card_type, id_number: a.id_number };
        // Branch B's officer may not link unit A's customer (SPEC §4); managerCross, who sees
        // it through department A, creates the branch B application instead.
        expectProblem(await as(actors.officerB).post('/applications', identity), 409);
        const b = await createApplication(t, actors.managerCross, identity);
        expect(b).toMatchObject({
          customer_id: a.customer_id,
          branch_id: unitB.branchId,
          department_id: unitA.departmentId,
        });
        const apps = async (who: ActorName) => {
          const res = await as(actors[who]).get(`/customers/${a.customer_id}/applications`);
          expectStatus(res, 200);
          return (res.body.items as Listed[]).map((item) => item.id).sort();
        };
        expect(await apps('managerB')).toEqual([b.id]);
        expect(await apps('viewerB')).toEqual([b.id]);
        expect(await apps('officerA2')).toEqual([a.id]);
        expect(await apps('managerA')).toEqual([a.id, b.id].sort());
        expect(await apps('managerCross')).toEqual([a.id, b.id].sort());
        expect(await apps('adminX')).toEqual([a.id, b.id].sort());
        expectProblem(await as(actors.officerB).get(`/customers/${a.customer_id}`), 404);
        expectProblem(await as(actors.officerA1).get(`/customers/${a.customer_id}`), 404);
      });
    });
  });

  // --------------------------------------------------------------------------------------------
  describe('2. who may act: role × in scope / out of scope', () => {
    // The application of every cell is new, officerA1's (unit A), prepared in `stage`.
    // Columns: adminX, managerA (in scope), managerB (out of scope), officerA1 (the owner),
    // officerA2 (another officer of unit A), viewerA (in scope), viewerB (out of scope).
    const COLUMNS: ActorName[] = [
      'adminX',
      'managerA',
      'managerB',
      'officerA1',
      'officerA2',
      'viewerA',
      'viewerB',
    ];
    type Statuses = [number, number, number, number, number, number, number];
    interface Row {
      label: string;
      stage: Stage;
      reviewer?: ActorName;
      call: (actor: Actor, id: string) => PromiseLike<Response>;
      expected: Statuses;
    }
    const act =
      (action: string, body: Record<string, unknown> = {}) =>
      (actor: Actor, id: string) =>
        transition(t, actor, id, action, body);
    const edit = { purpose_details: 'Edited in the matrix' };

    // prettier-ignore
    const ROWS: Row[] = [
      //                                                                                          adm  mgrA mgrB ownr offr vwrA vwrB
      { label: 'GET /applications/{id} (draft)', stage: 'draft',
        call: (a, id) => as(a).get(`/applications/${id}`),                                expected: [200, 200, 404, 200, 404, 200, 404] },
      { label: 'PATCH /applications/{id} (draft)', stage: 'draft',
        call: (a, id) => as(a).patch(`/applications/${id}`, edit),                        expected: [200, 200, 404, 200, 404, 403, 403] },
      { label: 'PUT /applications/{id} (draft)', stage: 'draft',
        call: (a, id) => as(a).put(`/applications/${id}`, edit),                          expected: [200, 200, 404, 200, 404, 403, 403] },
      { label: 'PATCH /applications/{id} (submitted: content is locked)', stage: 'submitted',
        call: (a, id) => as(a).patch(`/applications/${id}`, edit),                        expected: [409, 409, 404, 409, 404, 403, 403] },
      { label: 'DELETE /applications/{id} (draft)', stage: 'draft',
        call: (a, id) => as(a).delete(`/applications/${id}`),                             expected: [204, 204, 404, 204, 404, 403, 403] },
      { label: 'DELETE /applications/{id} (submitted)', stage: 'submitted',
        call: (a, id) => as(a).delete(`/applications/${id}`),                             expected: [409, 409, 404, 409, 404, 403, 403] },
      { label: 'submit (draft)', stage: 'draft', call: act('submit'),                      expected: [200, 200, 404, 200, 404, 403, 403] },
      { label: 'withdraw (draft)', stage: 'draft', call: act('withdraw'),                  expected: [200, 200, 404, 200, 404, 403, 403] },
      { label: 'withdraw (credit_check)', stage: 'credit_check', call: act('withdraw'),    expected: [200, 200, 404, 200, 404, 403, 403] },
      { label: 'assign-reviewer managerA (submitted)', stage: 'submitted',
        call: (a, id) => act('assign-reviewer', { reviewer_id: actors.managerA.user.id })(a, id),
                                                                                          expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'complete-review, managerA the reviewer (initial_review)', stage: 'initial_review',
        reviewer: 'managerA', call: act('complete-review'),                               expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'complete-review, managerCross the reviewer (initial_review)', stage: 'initial_review',
        reviewer: 'managerCross', call: act('complete-review'),                           expected: [200, 403, 404, 403, 403, 403, 403] },
      { label: 'assess-risk, managerA the reviewer (credit_check)', stage: 'credit_check',
        reviewer: 'managerA', call: act('assess-risk'),                                   expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'assess-risk, managerCross the reviewer (credit_check)', stage: 'credit_check',
        reviewer: 'managerCross', call: act('assess-risk'),                               expected: [200, 403, 404, 403, 403, 403, 403] },
      { label: 'approve 5000 USD (approval_pending)', stage: 'approval_pending',
        call: act('approve'),                                                             expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'reject (submitted)', stage: 'submitted',
        call: act('reject', { rejection_reason: 'Income not verified' }),                 expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'return (initial_review)', stage: 'initial_review',
        call: act('return', { reason: 'Add a guarantor' }),                               expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'disburse (approved)', stage: 'approved', call: act('disburse'),            expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'complete (disbursed)', stage: 'disbursed', call: act('complete'),          expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'priority high (draft)', stage: 'draft',
        call: act('priority', { priority_level: 'high' }),                                expected: [200, 200, 404, 403, 403, 403, 403] },
      { label: 'priority urgent (approval_pending)', stage: 'approval_pending',
        call: act('priority', { priority_level: 'urgent' }),                              expected: [200, 200, 404, 403, 403, 403, 403] },
    ];

    it.each(ROWS)('$label', async (row) => {
      const statuses: number[] = [];
      const faults: string[] = [];
      for (const column of COLUMNS) {
        const app = await applicationIn(row.stage, {
          reviewer: row.reviewer ? actors[row.reviewer] : undefined,
        });
        const res = await row.call(actors[column], app.id);
        statuses.push(res.status);
        if (res.status < 400) continue;
        if (!isProblem(res)) faults.push(`${column}: not a problem document: ${res.text}`);
        const after = await read(app.id);
        if (after.status !== app.status || after.version !== app.version) {
          faults.push(`${column}: a refused call changed the application`);
        }
      }
      expect(statuses).toEqual(row.expected);
      expect(faults).toEqual([]);
    });

    it('tells a manager who is not the assigned reviewer who may act (403)', async () => {
      const app = await applicationIn('initial_review', { reviewer: actors.managerCross });
      const res = await transition(t, actors.managerA, app.id, 'complete-review');
      expectProblem(res, 403);
      expect(res.body.detail).toMatch(/assigned reviewer/i);
      const risk = await applicationIn('credit_check', { reviewer: actors.managerCross });
      const refused = await transition(t, actors.managerA, risk.id, 'assess-risk');
      expectProblem(refused, 403);
      expect(refused.body.detail).toMatch(/assigned reviewer/i);
    });

    it('lets the assigned reviewer act when only the assignment puts it in scope', async () => {
      const app = await applicationIn('initial_review');
      // As in section 1: the API cannot assign managerNone, so the row is changed by SQL.
      await assignBySql(app.id, actors.managerNone);
      const review = await transition(t, actors.managerNone, app.id, 'complete-review');
      expectStatus(review, 200);
      expect(review.body.status).toBe('credit_check');
      expectProblem(await transition(t, actors.managerA, app.id, 'assess-risk'), 403);
      const risk = await transition(t, actors.managerNone, app.id, 'assess-risk');
      expectStatus(risk, 200);
      expect(risk.body.status).toBe('approval_pending');
    });

    it('accepts as reviewer only an active manager or admin who has the application in scope (422)', async () => {
      const refused: ActorName[] = ['managerB', 'managerNone', 'officerA1', 'viewerA'];
      for (const name of refused) {
        const app = await applicationIn('submitted');
        const res = await transition(t, actors.managerA, app.id, 'assign-reviewer', {
          reviewer_id: actors[name].user.id,
        });
        expectProblem(res, 422);
        expect(res.body.errors.map((e: { loc: string[] }) => e.loc)).toEqual([
          ['body', 'reviewer_id'],
        ]);
        expect((await read(app.id)).status).toBe('submitted');
      }
      for (const name of ['managerCross', 'adminY'] as const) {
        const app = await applicationIn('submitted');
        const reviewer = name === 'adminY' ? adminY : actors[name];
        const res = await transition(t, actors.managerA, app.id, 'assign-reviewer', {
          reviewer_id: reviewer.user.id,
        });
        expectStatus(res, 200);
        expect(res.body).toMatchObject({
          status: 'initial_review',
          assigned_reviewer: reviewer.user.id,
        });
      }
    });

    describe('approve: segregation of duties and approval authority', () => {
      it('refuses an admin who created and submitted the application (403), not another admin', async () => {
        const admin = actors.adminX;
        // Its creator may not review it either (segregation of duties): adminY does.
        const app = await applicationIn('approval_pending', { owner: admin, reviewer: adminY });
        expect(app.user_id).toBe(admin.user.id);
        const res = await transition(t, admin, app.id, 'approve');
        expectProblem(res, 403);
        expect(res.body.detail).toMatch(/segregation of duties/i);
        expect((await read(app.id)).status).toBe('approval_pending');
        const other = await transition(t, adminY, app.id, 'approve');
        expectStatus(other, 200);
        expect(other.body.status).toBe('approved');
      });

      it("refuses the manager who submitted an officer's application (403), not another manager in scope", async () => {
        const app = await createApplication(t, actors.officerA1);
        expectStatus(await transition(t, actors.managerA, app.id, 'submit'), 200);
        for (const [action, body] of [
          ['assign-reviewer', { reviewer_id: actors.managerCross.user.id }],
          ['complete-review', {}],
          ['assess-risk', {}],
        ] as const) {
          expectStatus(await transition(t, actors.adminX, app.id, action, body), 200);
        }
        const res = await transition(t, actors.managerA, app.id, 'approve');
        expectProblem(res, 403);
        expect(res.body.detail).toMatch(/segregation of duties/i);
        const other = await transition(t, actors.managerCross, app.id, 'approve');
        expectStatus(other, 200);
        expect(other.body).toMatchObject({ status: 'approved', loan_amount: 5000 });
      });

      it('refuses a manager above the USD 10000 limit (403 saying so); an admin approves it', async () => {
        const app = await applicationIn('approval_pending', {
          fields: { requested_amount: 15000 },
        });
        const res = await transition(t, actors.managerA, app.id, 'approve');
        expectProblem(res, 403);
        expect(res.body.detail).toMatch(/limit/i);
        expect(res.body.detail).toContain('10000.00 USD');
        expect(res.body).toMatchObject({ limit: 10000, currency: 'USD' });
        expect((await read(app.id)).status).toBe('approval_pending');
        const admin = await transition(t, actors.adminX, app.id, 'approve');
        expectStatus(admin, 200);
        expect(admin.body).toMatchObject({ status: 'approved', loan_amount: 15000 });
      });

      it('lets a manager approve exactly their limit', async () => {
        const app = await applicationIn('approval_pending', {
          fields: { requested_amount: 15000 },
        });
        const res = await transition(t, actors.managerA, app.id, 'approve', {
          approved_amount: 10000,
        });
        expectStatus(res, 200);
        expect(res.body).toMatchObject({ status: 'approved', loan_amount: 10000 });
      });
    });
  });

  // --------------------------------------------------------------------------------------------
  describe('3. the order of refusals: scope (404), then state (409), then actor (403)', () => {
    it('404 out of scope, whatever the state', async () => {
      const draft = await applicationIn('draft');
      const approve = await transition(t, actors.managerB, draft.id, 'approve');
      expectProblem(approve, 404);
      expect(approve.body).not.toHaveProperty('current_status');
      const submitted = await applicationIn('submitted');
      expectProblem(await transition(t, actors.officerA2, submitted.id, 'submit'), 404);
      expectProblem(await transition(t, actors.managerB, submitted.id, 'complete'), 404);
      const withdrawn = await applicationIn('draft');
      expectStatus(await transition(t, actors.officerA1, withdrawn.id, 'withdraw'), 200);
      expectProblem(
        await transition(t, actors.managerB, withdrawn.id, 'priority', { priority_level: 'low' }),
        404,
      );
    });

    it('409 in scope in the wrong state, naming the status and the allowed actions', async () => {
      const draft = await applicationIn('draft');
      const res = await transition(t, actors.managerA, draft.id, 'approve');
      expectProblem(res, 409);
      expect(res.body).toMatchObject({
        current_status: 'draft',
        allowed_actions: ['submit', 'withdraw', 'priority'],
      });
      expect(res.body.detail).toContain('"draft"');

      // The wrong actor too (managerA is not its reviewer; there is none): the state speaks first.
      const submitted = await applicationIn('submitted');
      const review = await transition(t, actors.managerA, submitted.id, 'complete-review');
      expectProblem(review, 409);
      expect(review.body).toMatchObject({
        current_status: 'submitted',
        allowed_actions: ['assign_reviewer', 'reject', 'return', 'withdraw', 'priority'],
      });
      const again = await transition(t, actors.officerA1, submitted.id, 'submit');
      expectProblem(again, 409);
      expect(again.body.current_status).toBe('submitted');

      const withdrawn = await applicationIn('draft');
      expectStatus(await transition(t, actors.officerA1, withdrawn.id, 'withdraw'), 200);
      const closed = await transition(t, actors.managerA, withdrawn.id, 'priority', {
        priority_level: 'low',
      });
      expectProblem(closed, 409);
      expect(closed.body).toMatchObject({ current_status: 'withdrawn', allowed_actions: [] });
    });

    it('403 in scope in a legal state for the wrong actor', async () => {
      const app = await applicationIn('initial_review', { reviewer: actors.managerCross });
      const res = await transition(t, actors.managerA, app.id, 'complete-review');
      expectProblem(res, 403);
      expect(res.body).not.toHaveProperty('current_status');
      const pending = await applicationIn('approval_pending');
      expectProblem(await transition(t, actors.officerA1, pending.id, 'approve'), 403);
    });

    it('403 without the permission, even out of scope (guards run before the service)', async () => {
      const app = await applicationIn('approval_pending');
      expectProblem(await transition(t, actors.officerB, app.id, 'approve'), 403);
      expectProblem(
        await transition(t, actors.viewerB, app.id, 'reject', { rejection_reason: 'x' }),
        403,
      );
      expect((await read(app.id)).status).toBe('approval_pending');
    });
  });

  // --------------------------------------------------------------------------------------------
  describe('4. POST /applications/reassign', () => {
    const reassign = (caller: Actor, from: Actor, to: Actor) =>
      as(caller).post('/applications/reassign', {
        from_user_id: from.user.id,
        to_user_id: to.user.id,
      });

    it("moves an officer's open applications, audited one by one; closed ones stay", async () => {
      const from = await member(t, 'officer', unitA);
      const to = await member(t, 'officer', unitA);
      const open = [
        await applicationIn('draft', { owner: from }),
        await applicationIn('submitted', { owner: from }),
        await applicationIn('approved', { owner: from }),
      ];
      const rejected = await applicationIn('submitted', { owner: from });
      expectStatus(
        await transition(t, actors.managerA, rejected.id, 'reject', { rejection_reason: 'No' }),
        200,
      );
      const withdrawn = await applicationIn('draft', { owner: from });
      expectStatus(await transition(t, from, withdrawn.id, 'withdraw'), 200);
      const completed = await applicationIn('completed', { owner: from });
      const closed = [rejected, withdrawn, completed];

      const res = await reassign(actors.managerA, from, to);
      expectStatus(res, 200);
      expect(res.body.moved).toBe(3);
      expect([...res.body.application_ids].sort()).toEqual(open.map((a) => a.id).sort());

      const events: { entity_id: string; actor_id: string; details: object }[] =
        await t.dataSource.query(
          `SELECT entity_id, actor_id, details FROM audit_events
            WHERE action = 'application.reassigned' AND entity_id = ANY($1)`,
          [[...open, ...closed].map((a) => a.id)],
        );
      expect(events.map((e) => e.entity_id).sort()).toEqual(open.map((a) => a.id).sort());
      for (const event of events) {
        expect(event.actor_id).toBe(actors.managerA.user.id);
        expect(event.details).toMatchObject({ from_user_id: from.user.id, to_user_id: to.user.id });
      }

      for (const app of open) {
        expectProblem(await as(from).get(`/applications/${app.id}`), 404);
        expect((await as(to).get(`/applications/${app.id}`)).status).toBe(200);
        expect(await read(app.id)).toMatchObject({
          user_id: to.user.id,
          status: app.status,
          branch_id: unitA.branchId,
        });
      }
      for (const app of closed) {
        expect((await as(from).get(`/applications/${app.id}`)).status).toBe(200);
        expectProblem(await as(to).get(`/applications/${app.id}`), 404);
      }
      expect((await as(from).get('/applications')).body.total).toBe(3);
      expect((await as(to).get('/applications')).body.total).toBe(3);
      // The new owner works on the moved draft; the old one no longer can.
      const draft = open[0].id;
      expect(
        (await as(to).patch(`/applications/${draft}`, { purpose_details: 'Mine' })).status,
      ).toBe(200);
      expectProblem(await as(from).patch(`/applications/${draft}`, { purpose_details: 'x' }), 404);
    });

    it('422 to an officer of another branch; 403 for officers and viewers; nothing moves', async () => {
      const from = await member(t, 'officer', unitA);
      const app = await applicationIn('draft', { owner: from });
      const toB = await reassign(actors.managerA, from, actors.officerB);
      expectProblem(toB, 422);
      expect(toB.body.errors.map((e: { loc: string[] }) => e.loc)).toEqual([
        ['body', 'to_user_id'],
      ]);
      expectProblem(await reassign(actors.officerA1, from, actors.officerA2), 403);
      expectProblem(await reassign(actors.viewerA, from, actors.officerA2), 403);
      expect((await read(app.id)).user_id).toBe(from.user.id);
      expect((await read(app.id)).version).toBe(app.version);
    });

    it('refuses a manager an officer of another branch as from_user_id (422), even one whose applications they see', async () => {
      // SPEC §4 operator actions: a manager acts for "their own branch's officers" only.
      // managerCross (branch B, department A) sees a unit A officer's applications through
      // department A, and officerB is of their branch; the unit A officer is not. managerB sees
      // none of them. Either way the officer is not theirs: 422 naming from_user_id, nothing moves.
      const outcomes: Record<string, unknown> = {};
      for (const name of ['managerCross', 'managerB'] as const) {
        const from = await member(t, 'officer', unitA);
        const app = await applicationIn('draft', { owner: from });
        const res = await reassign(actors[name], from, actors.officerB);
        const owner = (await read(app.id)).user_id;
        outcomes[name] = {
          status: res.status,
          error_locs: (res.body.errors ?? []).map((e: { loc: string[] }) => e.loc),
          moved: res.body.moved,
          application_now_owned_by: owner === from.user.id ? 'the unit A officer' : 'officerB',
        };
      }
      const refused = {
        status: 422,
        error_locs: [['body', 'from_user_id']],
        moved: undefined,
        application_now_owned_by: 'the unit A officer',
      };
      expect(outcomes).toEqual({ managerCross: refused, managerB: refused });
    });

    it('lets an admin move them to an officer of any branch', async () => {
      const from = await member(t, 'officer', unitA);
      const app = await applicationIn('submitted', { owner: from });
      const res = await reassign(actors.adminX, from, actors.officerB);
      expectStatus(res, 200);
      expect(res.body).toEqual({ moved: 1, application_ids: [app.id] });
      expect((await as(actors.officerB).get(`/applications/${app.id}`)).status).toBe(200);
    });
  });
});
