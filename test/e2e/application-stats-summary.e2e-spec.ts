import type { Response } from 'supertest';
import { ApplicationStatsSummary1765000100000 } from '../../migrations/1765000100000-ApplicationStatsSummary';
import { StatsSummaryRecompute1765000500000 } from '../../migrations/1765000500000-StatsSummaryRecompute';
import { grantRuntimePrivileges, roleOf } from '../../src/database/database-roles';
import { APPLICATION_STATUSES } from '../../src/enums/code-enums';
import {
  type ApplicationJson,
  createApplication,
  insertApplications,
  makeUnit,
  member,
  runTransitions,
  type Step,
  transition,
  type Unit,
} from '../harness/applications-fixtures';
import { expectStatus } from '../harness/expect';
import { requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * `application_stats_summary` (issue 12, item 5): after every kind of write (create, edit,
 * transitions, reviewer assignment, reassign, delete; SQL of its own, in bulk and with NULL
 * keys; concurrent requests) it equals a GROUP BY over `customer_applications`, and the
 * unfiltered `GET /applications/stats` it serves equals the computation over the table for
 * every role.
 */

const KEY =
  'branch_id, department_id, user_id, assigned_reviewer, status, product_type, currency, risk_category';
/** The figures of a group, numeric text at 2 places (a sum of 0 may have been 0.00). */
const FIGURES =
  'amounts, amount_sum::numeric(20, 2)::text AS amount_sum, amount_min::text AS amount_min, ' +
  'amount_max::text AS amount_max, loan_amount_sum::numeric(20, 2)::text AS loan_amount_sum';
/** Every status: a filter that leaves every application in, so the table answers. */
const ALL_STATUSES = APPLICATION_STATUSES.map((status) => status.value).join(',');

describe('application stats summary', () => {
  let t: TestApp;
  let admin: Actor;
  let unitA: Unit;
  let officerA1: Actor;
  let officerA2: Actor;
  let managerA: Actor;
  let reviewerA: Actor;
  let viewerA: Actor;
  let officerB: Actor;
  let managerB: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
    unitA = await makeUnit(t);
    const unitB = await makeUnit(t);
    [officerA1, officerA2, managerA, reviewerA, viewerA, officerB, managerB] = await Promise.all([
      member(t, 'officer', unitA),
      member(t, 'officer', unitA),
      member(t, 'manager', unitA),
      member(t, 'manager', unitA),
      member(t, 'viewer', unitA),
      member(t, 'officer', unitB),
      member(t, 'manager', unitB),
    ]);
  });
  afterAll(() => t.close());

  const summaryRows = () =>
    t.dataSource.query(
      `SELECT ${KEY}, applications, ${FIGURES} FROM application_stats_summary
        WHERE applications > 0 ORDER BY ${KEY}`,
    );
  const tableRows = () =>
    t.dataSource.query(
      `SELECT ${KEY}, applications, ${FIGURES}
         FROM (SELECT ${KEY}, count(*)::int AS applications, count(requested_amount)::int AS amounts,
                      coalesce(sum(requested_amount), 0) AS amount_sum,
                      min(requested_amount) AS amount_min, max(requested_amount) AS amount_max,
                      coalesce(sum(loan_amount), 0) AS loan_amount_sum
                 FROM customer_applications GROUP BY ${KEY}) grouped
        ORDER BY ${KEY}`,
    );
  async function expectSummaryMatchesTable(): Promise<void> {
    const [summary, table] = await Promise.all([summaryRows(), tableRows()]);
    expect(table.length).toBeGreaterThan(0);
    expect(summary).toEqual(table);
  }

  const stats = (actor: Actor, query = '') =>
    requestsAs(t, actor).get(`/applications/stats${query}`);
  /** The summary's answer (no filter) and the table's (every status), for `actor`. */
  async function expectStatsFromSummaryEqualTable(actor: Actor): Promise<void> {
    const [fromSummary, fromTable] = await Promise.all([
      stats(actor),
      stats(actor, `?status=${ALL_STATUSES}`),
    ]);
    expectStatus(fromSummary, 200);
    expectStatus(fromTable, 200);
    expect(fromSummary.body).toEqual(fromTable.body);
  }

  const patch = (actor: Actor, id: string, body: Record<string, unknown>) =>
    requestsAs(t, actor).patch(`/applications/${id}`, body);
  const remove = (actor: Actor, id: string) => requestsAs(t, actor).delete(`/applications/${id}`);

  let apps: ApplicationJson[];

  it('follows creates, edits, transitions, assignment, reassign and deletes', async () => {
    apps = [];
    for (const fields of [
      { requested_amount: 5000, product_type: 'monthly_loan' },
      { requested_amount: 7000, product_type: 'weekly_loan' },
      { requested_amount: 4000000, currency: 'KHR', product_type: 'daily_loan' },
      { requested_amount: 100.5, product_type: 'monthly_loan' },
      { requested_amount: 9000, product_type: 'monthly_loan' },
      { requested_amount: 3000, product_type: 'monthly_loan' },
      { requested_amount: 12000, product_type: 'monthly_loan' },
    ]) {
      apps.push(await createApplication(t, officerA1, fields));
    }
    apps.push(await createApplication(t, officerB, { requested_amount: 999 }));
    await expectSummaryMatchesTable();

    const [a1, a2, a3, a4, a5, a6, a7, b1] = apps;
    // Unit A has two managers: the reviews go to managerA, whoever the submit picked.
    const toManagerA: Step = [admin, 'assign-reviewer', { reviewer_id: managerA.user.id }];
    // Edits move a draft between groups and change the amounts.
    expectStatus(
      await patch(officerA1, a2.id, { requested_amount: 7500, product_type: 'monthly_loan' }),
      200,
    );
    expectStatus(await patch(officerA1, a3.id, { currency: 'USD', requested_amount: 2500 }), 200);
    expect(
      (
        await t.dataSource.query(`SELECT currency FROM customer_applications WHERE id = $1`, [
          a3.id,
        ])
      )[0].currency,
    ).toBe('USD');
    // The largest of its group shrinks: the maximum is taken again from the table.
    expectStatus(await patch(officerA1, a7.id, { requested_amount: 200 }), 200);
    await expectSummaryMatchesTable();

    await runTransitions(t, a1.id, [
      [officerA1, 'submit'],
      toManagerA,
      [managerA, 'complete-review'],
      [managerA, 'assess-risk'],
      [admin, 'approve', { approved_amount: 4500.5 }],
      [managerA, 'disburse'],
      [managerA, 'complete'],
    ]);
    await runTransitions(t, a2.id, [
      [officerA1, 'submit'],
      toManagerA,
      [managerA, 'complete-review'],
      [managerA, 'reject', { rejection_reason: 'Income not verified' }],
    ]);
    await runTransitions(t, a5.id, [
      [officerA1, 'submit'],
      toManagerA,
      [managerA, 'complete-review'],
      [managerA, 'assess-risk'],
      [managerA, 'return', { reason: 'Add a guarantor' }],
    ]);
    await runTransitions(t, a6.id, [
      [officerA1, 'submit'],
      [managerA, 'assign-reviewer', { reviewer_id: reviewerA.user.id }],
      [officerA1, 'withdraw'],
    ]);
    await runTransitions(t, b1.id, [[officerB, 'submit']]);
    await expectSummaryMatchesTable();

    // The smallest of its group goes: the minimum is taken again from the table.
    expectStatus(await remove(officerA1, a4.id), 204);
    expectStatus(await remove(officerA1, a5.id), 204);
    const reassigned = await requestsAs(t, managerA).post('/applications/reassign', {
      from_user_id: officerA1.user.id,
      to_user_id: officerA2.user.id,
    });
    expectStatus(reassigned, 200);
    expect(reassigned.body.moved).toBeGreaterThan(0);
    expect(a3.id).toBeDefined();
    await expectSummaryMatchesTable();
  });

  it('follows SQL of its own: bulk inserts with NULL keys and amounts, updates, deletes', async () => {
    await insertApplications(t, 5, { userId: officerA2.user.id, requestedAmount: null });
    const priced = await insertApplications(t, 4, {
      userId: officerA2.user.id,
      branchId: unitA.branchId,
      requestedAmount: '250.25',
    });
    await expectSummaryMatchesTable();
    await t.dataSource.query(
      `UPDATE customer_applications SET status = 'submitted', requested_amount = 300
        WHERE id = ANY($1)`,
      [priced.slice(0, 2)],
    );
    await t.dataSource.query(`DELETE FROM customer_applications WHERE id = $1`, [priced[3]]);
    // A rolled-back write leaves no trace.
    await t.dataSource
      .transaction(async (manager) => {
        await manager.query(`UPDATE customer_applications SET requested_amount = 1`);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await expectSummaryMatchesTable();
  });

  it('follows concurrent creates and transitions of one officer', async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createApplication(t, officerB, { requested_amount: 1000 + i }),
      ),
    );
    const answers = await Promise.all([
      ...created.map((app) => transition(t, officerB, app.id, 'submit')),
      createApplication(t, officerB, { requested_amount: 1 }),
    ]);
    for (const res of answers.slice(0, -1)) expectStatus(res as Response, 200);
    const reviews = await Promise.all(
      created.slice(0, 4).map((app) => transition(t, managerB, app.id, 'complete-review')),
    );
    for (const res of reviews) expectStatus(res, 200);
    await expectSummaryMatchesTable();
  });

  it('serves the unfiltered stats, equal to the table for every role', async () => {
    for (const actor of [admin, managerA, managerB, officerA1, officerA2, viewerA, officerB]) {
      await expectStatsFromSummaryEqualTable(actor);
    }
    const alias = await requestsAs(t, managerA).get('/applications/stats/summary');
    expect(alias.body).toEqual((await stats(managerA)).body);
  });

  it('answers unfiltered stats from the summary, filtered ones from the table', async () => {
    const before = (await stats(admin)).body.amount_statistics.total_applications;
    const [{ id }] = await t.ownerQuery<{ id: string }>(
      `UPDATE application_stats_summary SET applications = applications + 1000
        WHERE id = (SELECT min(id) FROM application_stats_summary WHERE applications > 0)
        RETURNING id`,
    );
    try {
      expect((await stats(admin)).body.amount_statistics.total_applications).toBe(before + 1000);
      const filtered = await stats(admin, `?status=${ALL_STATUSES}`);
      expect(filtered.body.amount_statistics.total_applications).toBe(before);
    } finally {
      await t.ownerQuery(
        `UPDATE application_stats_summary SET applications = applications - 1000 WHERE id = $1`,
        [id],
      );
    }
  });

  describe("a list's total", () => {
    const total = async (actor: Actor, query: Record<string, string>) => {
      const res = await requestsAs(t, actor).get('/applications', { ...query, size: '1' });
      expectStatus(res, 200);
      return res.body.total as number;
    };
    /** date_from in the past keeps every row, and no summary row answers it: the table counts. */
    const fromTable = { date_from: '2000-01-01' };

    it('comes from the summary when its filters allow, equal to the table for every role', async () => {
      const queries: Record<string, string>[] = [
        {},
        { status: 'draft' },
        { status: 'draft,submitted,initial_review' },
        { product_type: 'monthly_loan' },
        { currency: 'usd' },
        { risk_category: 'low' },
        { user_id: officerA1.user.id, status: 'draft' },
        { branch_id: unitA.branchId },
        { assigned_reviewer: reviewerA.user.id },
      ];
      for (const actor of [admin, managerA, managerB, officerA1, officerB, viewerA]) {
        for (const query of queries) {
          const [summary, table] = await Promise.all([
            total(actor, query),
            total(actor, { ...query, ...fromTable }),
          ]);
          expect({ actor: actor.user.username, query, total: summary }).toEqual({
            actor: actor.user.username,
            query,
            total: table,
          });
        }
      }
    });

    it('is read from the summary (a changed summary row shows), other filters from the table', async () => {
      const before = await total(admin, {});
      const [{ id }] = await t.ownerQuery<{ id: string }>(
        `UPDATE application_stats_summary SET applications = applications + 1000
          WHERE id = (SELECT min(id) FROM application_stats_summary WHERE applications > 0)
          RETURNING id`,
      );
      try {
        expect(await total(admin, {})).toBe(before + 1000);
        expect(await total(admin, fromTable)).toBe(before);
      } finally {
        await t.ownerQuery(
          `UPDATE application_stats_summary SET applications = applications - 1000 WHERE id = $1`,
          [id],
        );
      }
    });
  });

  it("reads one group's ends of the group index when a write takes its minimum and maximum", async () => {
    // Two groups of one officer, status and currency, 2,000 rows each of one amount: taking a row
    // away takes its group's min and max. Before, the recompute compared the nullable key columns
    // with IS NOT DISTINCT FROM, which no index condition serves, and read all 4,000 entries.
    const officer = await member(t, 'officer', unitA);
    await insertApplications(t, 2000, {
      userId: officer.user.id,
      branchId: unitA.branchId,
      requestedAmount: '100.00',
    });
    const [taken] = await insertApplications(t, 2000, {
      userId: officer.user.id,
      requestedAmount: '100.00',
    });
    const entriesRead = async () => {
      const [row] = await t.ownerQuery<{ read: string }>(
        `SELECT idx_tup_read AS read FROM pg_stat_user_indexes
          WHERE indexrelname = 'customer_applications_stats_group_idx'`,
      );
      return Number(row.read);
    };
    // Counters reach the statistics at the end of a transaction; this makes it the next one.
    await t.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_stat_force_next_flush()');
    });
    const before = await entriesRead();
    await t.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_stat_force_next_flush()');
      await manager.query('DELETE FROM customer_applications WHERE id = $1', [taken]);
    });
    expect((await entriesRead()) - before).toBeLessThan(100);
    await expectSummaryMatchesTable();
  });

  it('fills the summary from the existing applications when migrated', async () => {
    const migration = new ApplicationStatsSummary1765000100000();
    const recompute = new StatsSummaryRecompute1765000500000();
    const owner = { query: (sql: string, parameters?: unknown[]) => t.ownerQuery(sql, parameters) };
    await t.ownerQuery('BEGIN');
    await recompute.down(owner as never);
    await migration.down(owner as never);
    await migration.up(owner as never);
    await recompute.up(owner as never);
    await t.ownerQuery('COMMIT');
    await grantRuntimePrivileges(owner, roleOf(t.config.database.url));
    await expectSummaryMatchesTable();
    // And keeps it after that.
    await createApplication(t, officerA2, { requested_amount: 42 });
    await expectSummaryMatchesTable();
    await expectStatsFromSummaryEqualTable(managerA);
  });
});
