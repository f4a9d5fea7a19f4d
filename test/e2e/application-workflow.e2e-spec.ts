import { randomUUID } from 'node:crypto';
import {
  createApplication,
  makeUnit,
  member,
  runTransitions,
  type Step,
  transition,
  type Unit,
} from '../harness/applications-fixtures';
import { auditRows } from '../harness/audit';
import { errorLocs, expectProblem, expectStatus } from '../harness/expect';
import type { Actor } from '../harness/identity';
import { putSetting } from '../harness/settings-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

/** The lifecycle of SPEC §6 over HTTP: transitions, refusals, assignment, concurrency. */
describe('application workflow', () => {
  let t: TestApp;
  let admin: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
  });
  afterAll(() => t.close());

  const setting = async (key: string, value: unknown) =>
    expectStatus(await putSetting(t, admin, key, value), 200);
  const row = async (id: string) =>
    (await t.dataSource.query(`SELECT * FROM customer_applications WHERE id = $1`, [id]))[0];
  const events = (id: string) => auditRows(t, { entityType: 'application', entityId: id });

  /** A team: a branch+department with an officer and a manager. */
  async function team(): Promise<{ unit: Unit; officer: Actor; manager: Actor }> {
    const unit = await makeUnit(t);
    const [officer, manager] = await Promise.all([
      member(t, 'officer', unit),
      member(t, 'manager', unit),
    ]);
    return { unit, officer, manager };
  }

  /** An application of a fresh team moved to `stage` (reviewer: the team's manager). */
  async function at(
    stage: 'draft' | 'initial_review' | 'credit_check' | 'approval_pending' | 'approved',
    fields: Record<string, unknown> = {},
  ) {
    const crew = await team();
    const app = await createApplication(t, crew.officer, fields);
    const steps: Step[] = [
      [crew.officer, 'submit'],
      [crew.manager, 'complete-review'],
      [crew.manager, 'assess-risk'],
      [admin, 'approve'],
    ];
    const order = ['draft', 'initial_review', 'credit_check', 'approval_pending', 'approved'];
    await runTransitions(t, app.id, steps.slice(0, order.indexOf(stage)));
    return { ...crew, app };
  }

  describe('the whole way', () => {
    it('goes draft → completed with timestamps, actors and one audit event per step', async () => {
      const { officer, manager, app } = await at('draft');
      const steps: [string, Actor, Record<string, unknown>, string][] = [
        ['submit', officer, {}, 'initial_review'],
        ['complete-review', manager, { comment: 'Documents verified' }, 'credit_check'],
        ['assess-risk', manager, { assessment_notes: 'Stable income' }, 'approval_pending'],
        ['approve', admin, { approved_amount: 4500.5, comment: 'ok' }, 'approved'],
        ['disburse', manager, { loan_start_date: '2026-01-31' }, 'disbursed'],
        ['complete', manager, {}, 'completed'],
      ];
      let version = app.version;
      for (const [action, actor, body, status] of steps) {
        const res = await transition(t, actor, app.id, action, body);
        expectStatus(res, 200);
        expect(res.body.status).toBe(status);
        expect(res.body.version).toBeGreaterThan(version);
        expect(res.headers.etag).toBe(`"${res.body.version}"`);
        version = res.body.version;
      }
      const done = await t.http
        .get(`/api/v1/applications/${app.id}`)
        .set('Authorization', officer.bearer);
      expect(done.body).toMatchObject({
        status: 'completed',
        loan_status: 'completed',
        submitted_by: officer.user.id,
        assigned_reviewer: manager.user.id,
        approved_by: admin.user.id,
        loan_amount: 4500.5,
        loan_start_date: '2026-01-31',
        loan_end_date: '2027-01-31',
        assessment_notes: 'Stable income',
        risk_category: expect.stringMatching(/^(low|medium|high)$/),
      });
      for (const stamp of [
        'submitted_at',
        'reviewed_at',
        'risk_assessed_at',
        'approved_at',
        'disbursed_at',
        'completed_at',
      ]) {
        expect(Date.parse(done.body[stamp])).not.toBeNaN();
      }
      expect(done.body.credit_score).toBeGreaterThanOrEqual(0);
      expect(Object.keys(done.body.risk_breakdown).sort()).toEqual([
        'collateral_cover',
        'debt_to_income',
        'existing_loans',
        'income_source',
        'loan_to_income',
        'term',
      ]);
      const trail = await events(app.id);
      expect(trail.map((e: { action: string }) => e.action)).toEqual([
        'application.created',
        'application.submit',
        'application.complete_review',
        'application.assess_risk',
        'application.approve',
        'application.disburse',
        'application.complete',
      ]);
      expect(trail[1]).toMatchObject({
        actor_id: officer.user.id,
        from_status: 'draft',
        to_status: 'initial_review',
        details: { assigned_reviewer: manager.user.id, auto_assigned: true },
      });
      expect(trail[2].details).toEqual({ comment: 'Documents verified' });
      expect(trail[4]).toMatchObject({
        actor_id: admin.user.id,
        from_status: 'approval_pending',
        to_status: 'approved',
        details: { approved_amount: '4500.50', currency: 'USD', comment: 'ok' },
      });
    });

    it('answers an illegal transition with 409 naming the status and the allowed actions', async () => {
      const { manager, app } = await at('draft');
      for (const action of ['approve', 'complete-review', 'assess-risk', 'disburse', 'complete']) {
        const res = await transition(t, action === 'approve' ? admin : manager, app.id, action, {});
        expectProblem(res, 409);
        expect(res.body.current_status).toBe('draft');
        expect(res.body.allowed_actions).toEqual(['submit', 'withdraw', 'priority']);
        expect(res.body.detail).toContain('"draft"');
      }
      expect(await events(app.id)).toHaveLength(1);
      expect((await row(app.id)).version).toBe(app.version);
    });
  });

  describe('submit', () => {
    it('lists the missing required fields (422) and changes nothing', async () => {
      const { officer } = await team();
      const app = await createApplication(t, officer, {
        full_name_latin: '',
        full_name_khmer: '',
        phone: '',
        requested_amount: null,
      });
      const res = await transition(t, officer, app.id, 'submit');
      expectProblem(res, 422);
      expect(errorLocs(res)).toEqual([
        'application.borrower_name',
        'application.phone',
        'application.requested_amount',
      ]);
      expect(res.body.detail).toContain('borrower_name, phone, requested_amount');
      expect((await row(app.id)).status).toBe('draft');
      expect(await events(app.id)).toHaveLength(1);
    });

    it('obeys required_application_fields and required_document_types at once', async () => {
      const { officer } = await team();
      const app = await createApplication(t, officer, { guarantor_name: null });
      await setting('required_application_fields', ['borrower_name', 'guarantor_name']);
      await setting('required_document_types', ['borrower_photo', 'land_title']);
      try {
        const res = await transition(t, officer, app.id, 'submit');
        expectProblem(res, 422);
        expect(errorLocs(res)).toEqual([
          'application.guarantor_name',
          'documents.borrower_photo',
          'documents.land_title',
        ]);
        for (const type of ['borrower_photo', 'land_title']) {
          await t.dataSource.query(
            `INSERT INTO files (filename, original_filename, file_path, file_size, mime_type, document_type, application_id, uploaded_by)
             VALUES ('x.jpg', 'x.jpg', $1, 1, 'image/jpeg', $2, $3, $4)`,
            [`applications/${app.id}/${randomUUID()}.jpg`, type, app.id, officer.user.id],
          );
        }
        await t.http
          .patch(`/api/v1/applications/${app.id}`)
          .set('Authorization', officer.bearer)
          .send({ guarantor_name: 'Chan Sophea' })
          .expect(200);
        expectStatus(await transition(t, officer, app.id, 'submit'), 200);
      } finally {
        await setting('required_application_fields', [
          'borrower_name',
          'id_number',
          'phone',
          'requested_amount',
          'product_type',
          'desired_loan_term',
        ]);
        await setting('required_document_types', []);
      }
    });

    it('lets a manager in scope submit for the officer; the submitter is recorded', async () => {
      const { officer, unit } = await team();
      const submitter = await member(t, 'manager', unit);
      const app = await createApplication(t, officer);
      const res = await transition(t, submitter, app.id, 'submit');
      expectStatus(res, 200);
      expect(res.body.submitted_by).toBe(submitter.user.id);
      // Never the submitter as reviewer: the other manager of the branch takes it.
      expect(res.body.assigned_reviewer).not.toBe(submitter.user.id);
    });
  });

  describe('auto-assignment', () => {
    it('picks the branch manager with the fewest open assignments, ties to the least recently assigned', async () => {
      const { unit, officer } = await team();
      const [first] = await t.dataSource.query(
        `SELECT id FROM users WHERE role = 'manager' AND branch_id = $1`,
        [unit.branchId],
      );
      const second = await member(t, 'manager', unit);
      // Both have 0 open: the one never assigned (second) wins over the one assigned before.
      await t.dataSource.query(
        `UPDATE customer_applications SET reviewer_assigned_at = now() - interval '1 day'
          WHERE assigned_reviewer = $1`,
        [first.id],
      );
      const seed = await createApplication(t, officer);
      await t.dataSource.query(
        `UPDATE customer_applications SET assigned_reviewer = $1, reviewer_assigned_at = now() - interval '2 days', status = 'completed' WHERE id = $2`,
        [first.id, seed.id],
      );
      const a = await transition(t, officer, (await createApplication(t, officer)).id, 'submit');
      expect(a.body.assigned_reviewer).toBe(second.user.id);
      // Now second has 1 open, first 0: first wins.
      const b = await transition(t, officer, (await createApplication(t, officer)).id, 'submit');
      expect(b.body.assigned_reviewer).toBe(first.id);
      // 1 each; first was assigned last, so second wins the tie.
      const c = await transition(t, officer, (await createApplication(t, officer)).id, 'submit');
      expect(c.body.assigned_reviewer).toBe(second.user.id);
    });

    it('falls back to a manager of the department, then to any active manager, never the creator', async () => {
      const unit = await makeUnit(t);
      const officer = await member(t, 'officer', unit);
      const departmentManager = await t.signIn({
        role: 'manager',
        departmentId: unit.departmentId,
      });
      const app = await createApplication(t, officer);
      const res = await transition(t, officer, app.id, 'submit');
      expect(res.body.assigned_reviewer).toBe(departmentManager.user.id);

      const lonely = await makeUnit(t);
      const creator = await member(t, 'manager', lonely);
      const own = await createApplication(t, creator);
      const any = await transition(t, creator, own.id, 'submit');
      expectStatus(any, 200);
      expect(any.body.status).toBe('initial_review');
      expect(any.body.assigned_reviewer).not.toBe(creator.user.id);
      const [reviewer] = await t.dataSource.query(`SELECT role, status FROM users WHERE id = $1`, [
        any.body.assigned_reviewer,
      ]);
      expect(reviewer).toEqual({ role: 'manager', status: 'active' });
    });

    it('leaves the application in submitted when the setting is off', async () => {
      const { officer, manager } = await team();
      await setting('auto_assign_applications', false);
      try {
        const app = await createApplication(t, officer);
        const res = await transition(t, officer, app.id, 'submit');
        expect(res.body).toMatchObject({ status: 'submitted', assigned_reviewer: null });
        const assigned = await t.http
          .patch(`/api/v1/applications/${app.id}/assign-reviewer?reviewer_id=${manager.user.id}`)
          .set('Authorization', manager.bearer)
          .send({});
        expectStatus(assigned, 200);
        expect(assigned.body).toMatchObject({
          status: 'initial_review',
          assigned_reviewer: manager.user.id,
        });
      } finally {
        await setting('auto_assign_applications', true);
      }
    });
  });

  describe('assign-reviewer', () => {
    it('reassigns during review without changing the status, audited with the previous reviewer', async () => {
      const { unit, manager, app } = await at('credit_check');
      const other = await member(t, 'manager', unit);
      const res = await transition(t, manager, app.id, 'assign-reviewer', {
        reviewer_id: other.user.id,
      });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ status: 'credit_check', assigned_reviewer: other.user.id });
      const last = (await events(app.id)).pop();
      expect(last).toMatchObject({
        action: 'application.assign_reviewer',
        from_status: 'credit_check',
        to_status: 'credit_check',
        details: { assigned_reviewer: other.user.id, previous_reviewer: manager.user.id },
      });
      // The former reviewer may no longer assess it; the new one may.
      expectProblem(await transition(t, manager, app.id, 'assess-risk'), 403);
      expectStatus(await transition(t, other, app.id, 'assess-risk'), 200);
    });

    it('refuses a reviewer who is not an active manager or admin with the application in scope', async () => {
      const { unit, manager, app } = await at('initial_review');
      const elsewhere = await makeUnit(t);
      const candidates = [
        (await member(t, 'officer', unit)).user.id,
        (await member(t, 'viewer', unit)).user.id,
        (await member(t, 'manager', elsewhere)).user.id,
        (await t.signIn({ role: 'manager', branchId: unit.branchId, status: 'inactive' })).user.id,
        randomUUID(),
      ];
      for (const reviewer_id of candidates) {
        const res = await transition(t, manager, app.id, 'assign-reviewer', { reviewer_id });
        expectProblem(res, 422);
        expect(res.body.errors[0].loc).toEqual(['body', 'reviewer_id']);
      }
      expectProblem(await transition(t, manager, app.id, 'assign-reviewer', {}), 422);
      expectProblem(
        await transition(t, manager, app.id, 'assign-reviewer', { reviewer_id: 'nope' }),
        422,
      );
      // An admin from anywhere may review.
      const res = await transition(t, manager, app.id, 'assign-reviewer', {
        reviewer_id: admin.user.id,
      });
      expect(res.body.assigned_reviewer).toBe(admin.user.id);
    });
  });

  describe('assess-risk', () => {
    it('scores with the risk_weights setting in force', async () => {
      const first = await at('credit_check', { income_source: 'salary' });
      const scored = await transition(t, first.manager, first.app.id, 'assess-risk');
      expect(scored.body.risk_breakdown.income_source).toMatchObject({ score: 100, weight: 10 });

      await setting('risk_weights', {
        debt_to_income: 0,
        loan_to_income: 0,
        collateral_cover: 0,
        existing_loans: 0,
        income_source: 100,
        term: 0,
      });
      try {
        const second = await at('credit_check', { income_source: 'salary' });
        const res = await transition(t, second.manager, second.app.id, 'assess-risk');
        expect(res.body).toMatchObject({ credit_score: 100, risk_category: 'low' });
      } finally {
        await setting('risk_weights', {
          debt_to_income: 25,
          loan_to_income: 20,
          collateral_cover: 20,
          existing_loans: 15,
          income_source: 10,
          term: 10,
        });
      }
    });
  });

  describe('approve', () => {
    it('defaults to the requested amount and takes the approved rate and term', async () => {
      const { app } = await at('approval_pending', { requested_amount: '2500.75' });
      const res = await transition(t, admin, app.id, 'approve', {
        approved_interest_rate: '12.5',
        approved_loan_term: '24_months',
      });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({
        loan_amount: 2500.75,
        interest_rate: 12.5,
        desired_loan_term: '24_months',
        loan_status: 'active',
      });
    });

    it('refuses an amount above the requested one, zero, or too precise (422), changing nothing', async () => {
      const { app } = await at('approval_pending', { requested_amount: 5000 });
      for (const approved_amount of [5000.01, 0, -1, '12.345', 'lots']) {
        const res = await transition(t, admin, app.id, 'approve', { approved_amount });
        expectProblem(res, 422);
        expect(res.body.errors[0].loc).toEqual(['body', 'approved_amount']);
      }
      expect((await row(app.id)).status).toBe('approval_pending');
      expect(
        await transition(t, admin, app.id, 'approve', { approved_amount: 5000 }),
      ).toHaveProperty('status', 200);
    });

    it('needs an approved amount when the application requests none (422)', async () => {
      const { app } = await at('approval_pending');
      await t.dataSource.query(
        `UPDATE customer_applications SET requested_amount = NULL WHERE id = $1`,
        [app.id],
      );
      const res = await transition(t, admin, app.id, 'approve');
      expectProblem(res, 422);
      expect(res.body.errors[0]).toMatchObject({
        loc: ['body', 'approved_amount'],
        msg: 'is required: the application has no requested amount',
      });
      const given = await transition(t, admin, app.id, 'approve', { approved_amount: 800 });
      expectStatus(given, 200);
      expect(given.body.loan_amount).toBe(800);
    });

    it('holds managers to approval_limits by currency, and follows manager_approval_threshold', async () => {
      const usd = await at('approval_pending', { requested_amount: 10000.01 });
      const approver = await member(t, 'manager', usd.unit);
      const over = await transition(t, approver, usd.app.id, 'approve');
      expectProblem(over, 403);
      expect(over.body.detail).toContain('exceeds your approval limit of 10000.00 USD');
      expect(over.body).toMatchObject({ limit: 10000, currency: 'USD' });
      const within = await transition(t, approver, usd.app.id, 'approve', {
        approved_amount: 10000,
      });
      expectStatus(within, 200);

      const khr = await at('approval_pending', { currency: 'KHR', requested_amount: 40000000 });
      const khrApprover = await member(t, 'manager', khr.unit);
      expectStatus(await transition(t, khrApprover, khr.app.id, 'approve'), 200);

      await setting('manager_approval_threshold', 20000);
      try {
        const raised = await at('approval_pending', { requested_amount: 15000 });
        const raisedApprover = await member(t, 'manager', raised.unit);
        expectStatus(await transition(t, raisedApprover, raised.app.id, 'approve'), 200);
      } finally {
        await setting('manager_approval_threshold', 10000);
      }
    });

    it('never lets the creator or the submitter approve, admins included', async () => {
      const unit = await makeUnit(t);
      const creatorAdmin = await t.signIn({ role: 'admin', branchId: unit.branchId });
      const reviewer = await member(t, 'manager', unit);
      const app = await createApplication(t, creatorAdmin);
      expectStatus(await transition(t, creatorAdmin, app.id, 'submit'), 200);
      await transition(t, reviewer, app.id, 'complete-review').expect(200);
      await transition(t, reviewer, app.id, 'assess-risk').expect(200);
      const self = await transition(t, creatorAdmin, app.id, 'approve');
      expectProblem(self, 403);
      expect(self.body.detail).toContain('segregation of duties');

      const other = await at('draft');
      const submitter = await member(t, 'manager', other.unit);
      await transition(t, submitter, other.app.id, 'submit').expect(200);
      const reviewerId = (await row(other.app.id)).assigned_reviewer;
      expect(reviewerId).not.toBe(submitter.user.id);
      const review = reviewerId === other.manager.user.id ? other.manager : admin;
      await transition(t, review, other.app.id, 'complete-review').expect(200);
      await transition(t, review, other.app.id, 'assess-risk').expect(200);
      expectProblem(await transition(t, submitter, other.app.id, 'approve'), 403);
      expect((await row(other.app.id)).status).toBe('approval_pending');
    });

    it('lets exactly one of 10 concurrent approvals through: nine 409, one audit event', async () => {
      const { app } = await at('approval_pending');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => transition(t, admin, app.id, 'approve')),
      );
      const statuses = results.map((res) => res.status).sort();
      expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      for (const res of results.filter((r) => r.status === 409)) {
        expect(res.body.current_status).toBe('approved');
      }
      const approvals = (await events(app.id)).filter(
        (e: { action: string }) => e.action === 'application.approve',
      );
      expect(approvals).toHaveLength(1);
    });

    it('replays an idempotent approval with the first answer and no second effect', async () => {
      const { app } = await at('approval_pending');
      const key = `approve-${randomUUID()}`;
      const send = (id: string) =>
        t.http
          .patch(`/api/v1/applications/${id}/approve`)
          .set('Authorization', admin.bearer)
          .set('Idempotency-Key', key)
          .send({ comment: 'fine' });
      const first = await send(app.id);
      expectStatus(first, 200);
      const replay = await send(app.id);
      expectStatus(replay, 200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(
        (await events(app.id)).filter(
          (e: { action: string }) => e.action === 'application.approve',
        ),
      ).toHaveLength(1);
      // The same key for another application is another request: refused, not replayed.
      const other = await at('approval_pending');
      expectProblem(await send(other.app.id), 422);
      expect((await row(other.app.id)).status).toBe('approval_pending');
    });
  });

  describe('reject, return, withdraw', () => {
    it('rejects with a reason (required), recording who and when', async () => {
      const { manager, app } = await at('credit_check');
      expectProblem(await transition(t, manager, app.id, 'reject', {}), 422);
      expectProblem(
        await transition(t, manager, app.id, 'reject', { rejection_reason: '  ' }),
        422,
      );
      const res = await transition(t, manager, app.id, 'reject', {
        rejection_reason: 'Income not verified',
      });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({
        status: 'rejected',
        rejected_by: manager.user.id,
        rejection_reason: 'Income not verified',
      });
      expect(Date.parse(res.body.rejected_at)).not.toBeNaN();
      expect((await events(app.id)).pop()).toMatchObject({
        action: 'application.reject',
        details: { reason: 'Income not verified' },
      });
      expectProblem(await transition(t, manager, app.id, 'withdraw'), 409);
    });

    it('returns to draft with a reason, so the officer can edit and submit again', async () => {
      const { officer, manager, app } = await at('approval_pending');
      expectProblem(await transition(t, manager, app.id, 'return', {}), 422);
      const res = await transition(t, manager, app.id, 'return', { reason: 'Add a guarantor' });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ status: 'draft', assigned_reviewer: null });
      expect((await events(app.id)).pop()).toMatchObject({
        action: 'application.return',
        from_status: 'approval_pending',
        to_status: 'draft',
        details: { reason: 'Add a guarantor' },
      });
      await t.http
        .patch(`/api/v1/applications/${app.id}`)
        .set('Authorization', officer.bearer)
        .send({ guarantor_name: 'Chan Sophea' })
        .expect(200);
      const again = await transition(t, officer, app.id, 'submit');
      expect(again.body.status).toBe('initial_review');
    });

    it('lets the owner withdraw from draft and from a review stage', async () => {
      const draft = await at('draft');
      const res = await transition(t, draft.officer, draft.app.id, 'withdraw', { reason: 'no' });
      expectStatus(res, 200);
      expect(res.body.status).toBe('withdrawn');
      expect(Date.parse(res.body.withdrawn_at)).not.toBeNaN();
      const review = await at('initial_review');
      expectStatus(await transition(t, review.officer, review.app.id, 'withdraw'), 200);
      const approved = await at('approved');
      expectProblem(await transition(t, approved.officer, approved.app.id, 'withdraw'), 409);
    });
  });

  describe('disburse and complete', () => {
    it('starts today in the timezone setting and ends after the term', async () => {
      const { manager, app } = await at('approved', { desired_loan_term: '6_months' });
      const res = await transition(t, manager, app.id, 'disburse');
      expectStatus(res, 200);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Phnom_Penh' }).format(
        new Date(),
      );
      expect(res.body.loan_start_date).toBe(today);
      const end = new Date(`${today}T00:00:00Z`);
      const expected = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 6, 1));
      const lastDay = new Date(Date.UTC(expected.getUTCFullYear(), expected.getUTCMonth() + 1, 0));
      expected.setUTCDate(Math.min(end.getUTCDate(), lastDay.getUTCDate()));
      expect(res.body.loan_end_date).toBe(expected.toISOString().slice(0, 10));
      expect(res.body.loan_status).toBe('disbursed');
    });

    it('refuses a bad start date and a term it cannot read (422), changing nothing', async () => {
      const { manager, app } = await at('approved');
      expectProblem(
        await transition(t, manager, app.id, 'disburse', { loan_start_date: '2026-02-30' }),
        422,
      );
      await t.dataSource.query(
        `UPDATE customer_applications SET desired_loan_term = 'forever' WHERE id = $1`,
        [app.id],
      );
      const res = await transition(t, manager, app.id, 'disburse');
      expectProblem(res, 422);
      expect(res.body.errors[0].loc).toEqual(['application', 'desired_loan_term']);
      expect((await row(app.id)).status).toBe('approved');
    });
  });

  describe('priority', () => {
    it('takes the level from the body or the query, in any open status', async () => {
      const { manager, app } = await at('initial_review');
      const body = await transition(t, manager, app.id, 'priority', { priority_level: 'urgent' });
      expect(body.body).toMatchObject({ priority_level: 'urgent', status: 'initial_review' });
      const query = await t.http
        .patch(`/api/v1/applications/${app.id}/priority?priority_level=high`)
        .set('Authorization', manager.bearer)
        .send({});
      expect(query.body.priority_level).toBe('high');
      expect((await events(app.id)).pop()).toMatchObject({
        action: 'application.priority',
        details: { from: 'urgent', to: 'high' },
      });
      expectProblem(await transition(t, manager, app.id, 'priority', {}), 422);
      expectProblem(
        await transition(t, manager, app.id, 'priority', { priority_level: 'top' }),
        422,
      );
      await transition(t, manager, app.id, 'reject', { rejection_reason: 'x' }).expect(200);
      expectProblem(
        await transition(t, manager, app.id, 'priority', { priority_level: 'low' }),
        409,
      );
    });
  });

  describe('reassign', () => {
    it("refuses moving an officer's work to the same officer (422), moving nothing", async () => {
      const { officer, manager, app } = await at('draft');
      const res = await t.http
        .post('/api/v1/applications/reassign')
        .set('Authorization', manager.bearer)
        .send({ from_user_id: officer.user.id, to_user_id: officer.user.id });
      expectProblem(res, 422);
      expect(res.body.errors[0].loc).toEqual(['body', 'to_user_id']);
      expect((await row(app.id)).user_id).toBe(officer.user.id);
    });
  });
});
