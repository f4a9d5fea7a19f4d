import { once } from 'node:events';
import { get as httpGet, type IncomingMessage, type Server } from 'node:http';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import {
  applicationBody,
  createApplication,
  insertApplications,
  makeUnit,
  member,
  newIdNumber,
  runTransitions,
  transition,
  type Unit,
} from '../harness/applications-fixtures';
import { SegregationOfDuties1764750000000 } from '../../migrations/1764750000000-SegregationOfDuties';
import { runCli } from '../harness/cli';
import { expectProblem, expectStatus } from '../harness/expect';
import { listen, requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * Issue 9, the applications and customers part: segregation of duties that a return, a
 * resubmission or a reassign does not wash (finding 3), linking an existing customer only with
 * sight of it (finding 4, with the `customer-links` report), and one CSV export per user at a
 * time (cost bound).
 */

const UNSEEN_CUSTOMER =
  'A customer with this id number already exists and you cannot see it. ' +
  'Ask a manager to create this application.';

describe('applications hardening (issue 9)', () => {
  let t: TestApp;
  let admin: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn({ role: 'admin', branchId: null, departmentId: null });
  });
  afterAll(() => t?.close());

  const api = (path: string) => `/api/v1${path}`;
  const as = (actor: Actor) => requestsAs(t, actor);
  const stored = async (id: string) =>
    (
      await t.dataSource.query(
        `SELECT user_id, customer_id, submitted_by, assigned_reviewer, status
           FROM customer_applications WHERE id = $1`,
        [id],
      )
    )[0];

  // ----------------------------------------------------------------------------------------------
  describe('finding 3: whoever created or ever submitted an application never approves it', () => {
    /**
     * An officer's application that manager `submitter` submitted, an admin returned and the
     * officer submitted again. `reviewer` is a second manager of the unit.
     */
    async function returnedAndResubmitted() {
      const unit = await makeUnit(t);
      const [officer, submitter, reviewer] = await Promise.all([
        member(t, 'officer', unit),
        member(t, 'manager', unit),
        member(t, 'manager', unit),
      ]);
      const app = await createApplication(t, officer);
      await runTransitions(t, app.id, [
        [submitter, 'submit'],
        [admin, 'return', { reason: 'Wrong phone' }],
        [officer, 'submit'],
      ]);
      return { unit, officer, submitter, reviewer, app };
    }

    async function toApprovalPending(id: string): Promise<void> {
      await runTransitions(t, id, [
        [admin, 'complete-review'],
        [admin, 'assess-risk'],
      ]);
    }

    it('refuses the manager who submitted before a return (403), also after a reassign', async () => {
      const { unit, officer, submitter, reviewer, app } = await returnedAndResubmitted();
      await toApprovalPending(app.id);
      const refused = await transition(t, submitter, app.id, 'approve');
      expectProblem(refused, 403);
      expect(refused.body.detail).toBe(
        'You created or submitted this application, so you cannot approve it (segregation of duties).',
      );

      const successor = await member(t, 'officer', unit);
      const moved = await as(admin).post('/applications/reassign', {
        from_user_id: officer.user.id,
        to_user_id: successor.user.id,
      });
      expectStatus(moved, 200);
      expect(moved.body.application_ids).toEqual([app.id]);
      expectProblem(await transition(t, submitter, app.id, 'approve'), 403);
      expect((await stored(app.id)).status).toBe('approval_pending');

      // Someone who neither created nor submitted it approves it.
      expectStatus(await transition(t, reviewer, app.id, 'approve'), 200);
    });

    it('keeps the creator out once a reassign moved the application away from them', async () => {
      const unit = await makeUnit(t);
      const [creator, successor, submitter] = await Promise.all([
        member(t, 'officer', unit),
        member(t, 'officer', unit),
        member(t, 'manager', unit),
      ]);
      const app = await createApplication(t, creator);
      expectStatus(await transition(t, submitter, app.id, 'submit'), 200);
      await toApprovalPending(app.id);
      const moved = await as(admin).post('/applications/reassign', {
        from_user_id: creator.user.id,
        to_user_id: successor.user.id,
      });
      expectStatus(moved, 200);
      // The creator is promoted: no column of the application names them any more.
      await t.dataSource.query(`UPDATE users SET role = 'manager' WHERE id = $1`, [
        creator.user.id,
      ]);
      const refused = await transition(t, creator, app.id, 'approve');
      expectProblem(refused, 403);
      expect(refused.body.detail).toContain('segregation of duties');
    });

    it('never auto-assigns a manager who submitted it before a return', async () => {
      const unit = await makeUnit(t);
      const [officer, branchManager] = await Promise.all([
        member(t, 'officer', unit),
        member(t, 'manager', unit),
      ]);
      // The next candidate after the branch's only manager: a manager of the department.
      const departmentManager = await t.signIn({
        role: 'manager',
        branchId: null,
        departmentId: unit.departmentId,
      });
      const app = await createApplication(t, officer);
      const first = await transition(t, branchManager, app.id, 'submit');
      expectStatus(first, 200);
      expect(first.body.assigned_reviewer).toBe(departmentManager.user.id);
      expectStatus(
        await transition(t, admin, app.id, 'return', { reason: 'Add a guarantor' }),
        200,
      );
      const again = await transition(t, officer, app.id, 'submit');
      expectStatus(again, 200);
      expect(again.body).toMatchObject({
        status: 'initial_review',
        assigned_reviewer: departmentManager.user.id,
      });
    });

    it('refuses a member as reviewer (422 on reviewer_id, in the body or the query)', async () => {
      const { officer, submitter, reviewer, app } = await returnedAndResubmitted();
      for (const member of [submitter, officer]) {
        const inBody = await transition(t, reviewer, app.id, 'assign-reviewer', {
          reviewer_id: member.user.id,
        });
        expectProblem(inBody, 422);
        expect(inBody.body.errors).toEqual([
          expect.objectContaining({ loc: ['body', 'reviewer_id'] }),
        ]);
      }
      const inQuery = await t.http
        .patch(api(`/applications/${app.id}/assign-reviewer?reviewer_id=${submitter.user.id}`))
        .set('Authorization', reviewer.bearer)
        .send({});
      expectProblem(inQuery, 422);
      expect(inQuery.body.errors).toEqual([
        expect.objectContaining({
          loc: ['query', 'reviewer_id'],
          msg: expect.stringContaining('segregation of duties'),
        }),
      ]);
      const before = await stored(app.id);
      expect(before.assigned_reviewer).not.toBe(submitter.user.id);
      const ok = await transition(t, reviewer, app.id, 'assign-reviewer', {
        reviewer_id: reviewer.user.id,
      });
      expectStatus(ok, 200);
      expect(ok.body.assigned_reviewer).toBe(reviewer.user.id);
    });

    it('fills created_by and submitter_ids of existing rows from the audit trail (migration)', async () => {
      const { unit, officer, submitter, app } = await returnedAndResubmitted();
      const successor = await member(t, 'officer', unit);
      const moved = await as(admin).post('/applications/reassign', {
        from_user_id: officer.user.id,
        to_user_id: successor.user.id,
      });
      expectStatus(moved, 200);
      // A row written outside the API: no audit events, no created_by.
      const [legacy] = await insertApplications(t, 1, { userId: officer.user.id });
      await t.dataSource.query(`UPDATE customer_applications SET submitted_by = $2 WHERE id = $1`, [
        legacy,
        submitter.user.id,
      ]);
      const columns = () =>
        t.dataSource.query(
          `SELECT id, user_id, created_by, submitter_ids FROM customer_applications
            WHERE id = ANY($1) ORDER BY id = $2 DESC`,
          [[app.id, legacy], app.id],
        );
      expect(await columns()).toEqual([
        {
          id: app.id,
          user_id: successor.user.id,
          created_by: officer.user.id,
          submitter_ids: [submitter.user.id, officer.user.id],
        },
        { id: legacy, user_id: officer.user.id, created_by: null, submitter_ids: [] },
      ]);

      // As the schema owner, as migrations run.
      const migration = new SegregationOfDuties1764750000000();
      const owner = await new DataSource(
        dataSourceOptions({
          ...t.config.database,
          url: t.config.database.migrationUrl!,
          poolSize: 1,
        }),
      ).initialize();
      const runner = owner.createQueryRunner();
      try {
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
        await owner.destroy();
      }
      expect(await columns()).toEqual([
        {
          id: app.id,
          user_id: successor.user.id,
          created_by: officer.user.id,
          submitter_ids: [submitter.user.id, officer.user.id],
        },
        {
          id: legacy,
          user_id: officer.user.id,
          created_by: officer.user.id,
          submitter_ids: [submitter.user.id],
        },
      ]);
    });

    it('is kept in server-only columns that no body may write (422)', async () => {
      const unit = await makeUnit(t);
      const officer = await member(t, 'officer', unit);
      for (const field of ['created_by', 'submitter_ids']) {
        const res = await as(officer).post('/applications', applicationBody({ [field]: null }));
        expectProblem(res, 422);
        expect(res.body.errors[0].loc).toEqual(['body', field]);
      }
      const app = await createApplication(t, officer);
      expect(app).not.toHaveProperty('created_by');
      expect(app).not.toHaveProperty('submitter_ids');
      const res = await as(officer).patch(`/applications/${app.id}`, {
        submitter_ids: [officer.user.id],
      });
      expectProblem(res, 422);
    });
  });

  // ----------------------------------------------------------------------------------------------
  describe('finding 4: an application links an existing customer only with sight of it', () => {
    let unitA: Unit;
    let unitB: Unit;
    let officerA: Actor;
    let officerA2: Actor;
    let officerB: Actor;
    let managerB: Actor;
    /** Branch B, department A: sees unit A's applications through the department. */
    let managerCross: Actor;
    /** officerA's application, which registered its customer in unit A. */
    let fromA: Record<string, string>;

    beforeAll(async () => {
      [unitA, unitB] = await Promise.all([makeUnit(t), makeUnit(t)]);
      const cross = { branchId: unitB.branchId, departmentId: unitA.departmentId };
      [officerA, officerA2, officerB, managerB, managerCross] = await Promise.all([
        member(t, 'officer', unitA),
        member(t, 'officer', unitA),
        member(t, 'officer', unitB),
        member(t, 'manager', unitB),
        member(t, 'manager', cross),
      ]);
      fromA = (await createApplication(t, officerA)) as Record<string, string>;
    });

    const counts = async () =>
      (
        await t.dataSource.query(`SELECT
          (SELECT count(*)::int FROM customer_applications) AS applications,
          (SELECT count(*)::int FROM folders) AS folders,
          (SELECT count(*)::int FROM customers) AS customers,
          (SELECT count(*)::int FROM audit_events) AS audit_events`)
      )[0];

    /** The 409 of SPEC §4, revealing nothing of the customer. */
    function expectUnseenCustomer(res: Response): void {
      expectProblem(res, 409);
      expect(res.body.detail).toBe(UNSEEN_CUSTOMER);
      expect(res.text).not.toContain(fromA.customer_id);
      expect(res.text).not.toContain(fromA.full_name_latin);
    }

    it('refuses an officer of another branch (409), creating nothing; the customer stays hidden', async () => {
      const before = await counts();
      const body = applicationBody({
        id_card_type: fromA.id_card_type,
        // Another spelling of the same number.
        id_number: ` ${fromA.id_number.toLowerCase()} `,
      });
      const key = { 'Idempotency-Key': `unseen-${newIdNumber()}` };
      const refused = await as(officerB).post('/applications', body, key);
      expectUnseenCustomer(refused);
      const replayed = await as(officerB).post('/applications', body, key);
      expectUnseenCustomer(replayed);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      // A manager of that other branch gets the same answer.
      expectUnseenCustomer(await as(managerB).post('/applications', body));
      expect(await counts()).toEqual(before);

      const search = await as(officerB).get(
        `/customers?search=${encodeURIComponent(fromA.id_number)}`,
      );
      expectStatus(search, 200);
      expect(search.body.total).toBe(0);
      expectProblem(await as(officerB).get(`/customers/${fromA.customer_id}`), 404);
    });

    it('answers the same for a customer registered with no branch', async () => {
      const noBranch = await as(admin).post('/customers', {
        full_name_latin: 'Head Office Borrower',
        id_card_type: 'passport',
        id_number: `P${newIdNumber()}`,
      });
      expectStatus(noBranch, 201);
      expect(noBranch.body.branch_id).toBeNull();
      const res = await as(officerB).post(
        '/applications',
        applicationBody({ id_card_type: 'passport', id_number: noBranch.body.id_number }),
      );
      expectProblem(res, 409);
      expect(res.body.detail).toBe(UNSEEN_CUSTOMER);
      expect(res.text).not.toContain(noBranch.body.id);
    });

    it("links a customer of the caller's branch, or one the caller may see", async () => {
      const identity = { id_card_type: fromA.id_card_type, id_number: fromA.id_number };
      const sameBranch = await createApplication(t, officerA2, identity);
      expect(sameBranch.customer_id).toBe(fromA.customer_id);
      const throughDepartment = await createApplication(t, managerCross, identity);
      expect(throughDepartment.customer_id).toBe(fromA.customer_id);
      expect(throughDepartment.branch_id).toBe(unitB.branchId);
      const byAdmin = await createApplication(t, admin, identity);
      expect(byAdmin.customer_id).toBe(fromA.customer_id);
    });

    it('applies the same rule when a draft changes its id number (PUT and PATCH)', async () => {
      const own = await createApplication(t, officerB);
      const change = { id_card_type: fromA.id_card_type, id_number: fromA.id_number };
      const before = await counts();
      expectUnseenCustomer(await as(officerB).patch(`/applications/${own.id}`, change));
      expectUnseenCustomer(await as(officerB).put(`/applications/${own.id}`, change));
      expect(await counts()).toEqual(before);
      expect((await stored(own.id)).customer_id).toBe(own.customer_id);
      const read = await as(officerB).get(`/applications/${own.id}`);
      expect(read.body).toMatchObject({ id_number: own.id_number, version: own.version });

      const sameBranch = await createApplication(t, officerA2);
      const relinked = await as(officerA2).patch(`/applications/${sameBranch.id}`, change);
      expectStatus(relinked, 200);
      expect(relinked.body.customer_id).toBe(fromA.customer_id);
    });

    it('lists, read-only, the links made before the rule whose creator could not see the customer (cli customer-links)', async () => {
      // A link as the old code made it: officerB's draft pointed at unit A's customer.
      const old = await createApplication(t, officerB);
      await t.dataSource.query(`UPDATE customer_applications SET customer_id = $2 WHERE id = $1`, [
        old.id,
        fromA.customer_id,
      ]);
      // Such a draft keeps the customer it links already when its id number is typed again.
      const retyped = await as(officerB).patch(`/applications/${old.id}`, {
        id_card_type: fromA.id_card_type,
        id_number: fromA.id_number.toLowerCase(),
      });
      expectStatus(retyped, 200);
      expect(retyped.body.customer_id).toBe(fromA.customer_id);
      const before = await t.dataSource.query(
        `SELECT id, customer_id FROM customer_applications ORDER BY id`,
      );
      const result = await runCli(t.config.database.url, ['customer-links']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const lines = result.stdout.trim().split('\n');
      const rows = lines.filter((line) => /^[0-9a-f]{8}-/.test(line));
      expect(rows).toHaveLength(1);
      const [applicationId, customerId, creatorId, creator, creatorBranch, customerBranch] =
        rows[0].split('\t');
      expect({ applicationId, customerId, creatorId, creator }).toEqual({
        applicationId: old.id,
        customerId: fromA.customer_id,
        creatorId: officerB.user.id,
        creator: officerB.user.username,
      });
      const branchName = async (id: string) =>
        (await t.dataSource.query(`SELECT name FROM branches WHERE id = $1`, [id]))[0].name;
      expect(creatorBranch).toBe(await branchName(unitB.branchId));
      expect(customerBranch).toBe(await branchName(unitA.branchId));
      expect(result.stdout).toMatch(/1 application links a customer its creator could not see/);
      // Nothing was unlinked.
      expect(
        await t.dataSource.query(`SELECT id, customer_id FROM customer_applications ORDER BY id`),
      ).toEqual(before);
    });
  });

  // ----------------------------------------------------------------------------------------------
  describe('cost bound: one CSV export per user at a time', () => {
    it('answers 429 with Retry-After to a second export of the same user while the first streams', async () => {
      const unit = await makeUnit(t);
      const [manager, officer, otherManager] = await Promise.all([
        member(t, 'manager', unit),
        member(t, 'officer', unit),
        member(t, 'manager', await makeUnit(t)),
      ]);
      // About 6 MB of CSV: far more than the socket buffers hold while the reader pauses.
      await t.dataSource.query(
        `INSERT INTO customer_applications
           (user_id, branch_id, department_id, currency, requested_amount, full_name_latin,
            full_name_khmer)
         SELECT $1, $2, $3, 'USD', i, repeat('x', 190) || i, repeat('y', 190) || i
           FROM generate_series(1, 12000) AS i`,
        [officer.user.id, unit.branchId, unit.departmentId],
      );
      const server: Server = t.app.getHttpServer();
      const port = await listen(t);
      try {
        const open = () =>
          new Promise<{ res: IncomingMessage; stop: () => void }>((resolve, reject) => {
            const request = httpGet(
              {
                host: '127.0.0.1',
                port,
                path: api('/applications/export/csv'),
                headers: { Authorization: manager.bearer },
                agent: false,
              },
              (res) => {
                res.pause();
                resolve({ res, stop: () => request.destroy() });
              },
            );
            request.on('error', reject);
          });
        const exportAs = (actor: Actor) =>
          as(actor).get('/applications/export/csv?status=approved');

        const first = await open();
        expect(first.res.statusCode).toBe(200);
        const busy = await exportAs(manager);
        expectProblem(busy, 429);
        expect(busy.headers['retry-after']).toMatch(/^[1-9]\d?$/);
        expect(busy.body.detail).toMatch(/export/i);
        expectStatus(await exportAs(otherManager), 200);

        // Read the first one to its end: the next export is allowed again.
        first.res.resume();
        await once(first.res, 'end');
        expectStatus(await exportAs(manager), 200);

        // A client that breaks off frees its slot too.
        const broken = await open();
        expectProblem(await exportAs(manager), 429);
        broken.stop();
        let status = 0;
        for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
          status = (await exportAs(manager)).status;
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(status).toBe(200);
      } finally {
        // A paused download would keep close() waiting for ever.
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});
