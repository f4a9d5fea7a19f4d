import {
  type ApplicationJson,
  createApplication,
  insertApplications,
  makeUnit,
  member,
  runTransitions,
  type Unit,
} from '../harness/applications-fixtures';
import { errorLocs, expectProblem, expectStatus } from '../harness/expect';
import { requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * `GET /dashboard/pipeline` (issue 13, item 5): counts and per-currency amounts by status,
 * branch, officer and product, in the caller's scope; each count equals the `total` of the
 * matching application list for the same caller (with and without the date filters), the
 * amounts are exact per currency, the summary (no dates) and the table (dates) agree, and an
 * officer of branch B sees nothing of branch A.
 */

interface Amounts {
  currency: string;
  requested: number;
  approved: number;
}
interface Entry {
  count: number;
  amounts: Amounts[];
  status?: string;
  branch_id?: string | null;
  branch_name?: string | null;
  user_id?: string;
  officer_name?: string | null;
  product_type?: string | null;
}
interface Pipeline {
  by_status: Entry[];
  by_branch: Entry[];
  by_officer: Entry[];
  by_product: Entry[];
}

/** Created on 2024-03-10 at 23:30 in Phnom Penh (UTC+7): still the 10th there. */
const LATE_ON_THE_10TH = '2024-03-10T16:30:00Z';
/** 00:30 on 2024-03-11 in Phnom Penh (still the 10th in UTC). */
const EARLY_ON_THE_11TH = '2024-03-10T17:30:00Z';

describe('GET /dashboard/pipeline', () => {
  let t: TestApp;
  let admin: Actor;
  let unitA: Unit;
  let unitB: Unit;
  let officerA1: Actor;
  let officerA2: Actor;
  let managerA: Actor;
  let viewerA: Actor;
  let officerB: Actor;
  let managerB: Actor;
  let viewerB: Actor;
  const apps: Record<string, ApplicationJson> = {};

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
    [unitA, unitB] = await Promise.all([makeUnit(t), makeUnit(t)]);
    [officerA1, officerA2, managerA, viewerA, officerB, managerB, viewerB] = await Promise.all([
      member(t, 'officer', unitA),
      member(t, 'officer', unitA),
      member(t, 'manager', unitA),
      member(t, 'viewer', unitA),
      member(t, 'officer', unitB),
      member(t, 'manager', unitB),
      member(t, 'viewer', unitB),
    ]);

    // Branch A: a USD draft, a USD review (auto-assigned to managerA on submit), a KHR loan
    // approved for less than requested, a rejected USD daily loan of the second officer.
    apps.draftA = await createApplication(t, officerA1, {
      requested_amount: 5000,
      product_type: 'monthly_loan',
    });
    apps.reviewA = await createApplication(t, officerA1, {
      requested_amount: 7000.55,
      product_type: 'weekly_loan',
    });
    apps.approvedA = await createApplication(t, officerA1, {
      requested_amount: 4100000,
      currency: 'KHR',
      product_type: 'monthly_loan',
    });
    apps.rejectedA = await createApplication(t, officerA2, {
      requested_amount: 1234.56,
      product_type: 'daily_loan',
    });
    await runTransitions(t, apps.reviewA.id, [[officerA1, 'submit']]);
    await runTransitions(t, apps.approvedA.id, [
      [officerA1, 'submit'],
      [managerA, 'complete-review'],
      [managerA, 'assess-risk'],
      [managerA, 'approve', { approved_amount: 4000000 }],
    ]);
    await runTransitions(t, apps.rejectedA.id, [
      [officerA2, 'submit'],
      [managerA, 'reject', { rejection_reason: 'Income could not be verified' }],
    ]);
    // Branch B: a USD and a KHR draft.
    apps.usdB = await createApplication(t, officerB, {
      requested_amount: 999,
      product_type: 'monthly_loan',
    });
    apps.khrB = await createApplication(t, officerB, {
      requested_amount: 8200000,
      currency: 'KHR',
      product_type: 'weekly_loan',
    });
    // Two bare drafts of branch A around a day boundary in Phnom Penh, for the date filters.
    for (const createdAt of [LATE_ON_THE_10TH, EARLY_ON_THE_11TH]) {
      await insertApplications(t, 1, {
        userId: officerA2.user.id,
        branchId: unitA.branchId,
        departmentId: unitA.departmentId,
        requestedAmount: '100.10',
        createdAt,
      });
    }
  });
  afterAll(() => t.close());

  const pipeline = async (actor: Actor, query: Record<string, string> = {}): Promise<Pipeline> => {
    const res = await requestsAs(t, actor).get('/dashboard/pipeline', query);
    expectStatus(res, 200);
    return res.body as Pipeline;
  };
  const listTotal = async (actor: Actor, query: Record<string, string>): Promise<number> => {
    const res = await requestsAs(t, actor).get('/applications', { ...query, size: 1 });
    expectStatus(res, 200);
    return res.body.total as number;
  };
  const entryOf = (entries: Entry[], field: keyof Entry, value: unknown) =>
    entries.find((entry) => entry[field] === value);

  /**
   * Every count of the pipeline equals the total of the list filtered the same way, for the
   * same caller and the same `dates`; each dimension adds up to the unfiltered total.
   */
  async function expectReconciled(actor: Actor, dates: Record<string, string> = {}) {
    const answer = await pipeline(actor, dates);
    const total = await listTotal(actor, dates);
    const checks: [string, number, number][] = [];
    for (const entry of answer.by_status) {
      checks.push([
        `status ${entry.status}`,
        entry.count,
        await listTotal(actor, { ...dates, status: entry.status! }),
      ]);
    }
    for (const entry of answer.by_branch.filter((branch) => branch.branch_id !== null)) {
      checks.push([
        `branch ${entry.branch_name}`,
        entry.count,
        await listTotal(actor, { ...dates, branch_id: entry.branch_id! }),
      ]);
    }
    for (const entry of answer.by_officer) {
      checks.push([
        `officer ${entry.officer_name}`,
        entry.count,
        await listTotal(actor, { ...dates, user_id: entry.user_id! }),
      ]);
    }
    for (const entry of answer.by_product.filter((product) => product.product_type !== null)) {
      checks.push([
        `product ${entry.product_type}`,
        entry.count,
        await listTotal(actor, { ...dates, product_type: entry.product_type! }),
      ]);
    }
    expect(checks.filter(([, count, listed]) => count !== listed)).toEqual([]);
    const sum = (entries: Entry[]) => entries.reduce((all, entry) => all + entry.count, 0);
    for (const dimension of ['by_status', 'by_branch', 'by_officer', 'by_product'] as const) {
      expect([dimension, sum(answer[dimension])]).toEqual([dimension, total]);
    }
    return { answer, total };
  }

  it('answers the four groupings with exactly the documented keys', async () => {
    const answer = await pipeline(admin);
    expect(Object.keys(answer).sort()).toEqual([
      'by_branch',
      'by_officer',
      'by_product',
      'by_status',
    ]);
    const figures = ['amounts', 'count'];
    expect(Object.keys(answer.by_status[0]).sort()).toEqual([...figures, 'status'].sort());
    expect(Object.keys(answer.by_branch[0]).sort()).toEqual(
      [...figures, 'branch_id', 'branch_name'].sort(),
    );
    expect(Object.keys(answer.by_officer[0]).sort()).toEqual(
      [...figures, 'officer_name', 'user_id'].sort(),
    );
    expect(Object.keys(answer.by_product[0]).sort()).toEqual([...figures, 'product_type'].sort());
    for (const entry of Object.values(answer).flat() as Entry[]) {
      for (const amounts of entry.amounts) {
        expect(Object.keys(amounts).sort()).toEqual(['approved', 'currency', 'requested']);
        expect(typeof amounts.requested).toBe('number');
        expect(typeof amounts.approved).toBe('number');
      }
    }
    // Every status of the lifecycle, in its order, even at 0.
    expect(answer.by_status.map((entry) => entry.status)).toEqual([
      'draft',
      'submitted',
      'initial_review',
      'credit_check',
      'approval_pending',
      'approved',
      'rejected',
      'disbursed',
      'completed',
      'withdrawn',
    ]);
    // With a trailing slash too.
    expectStatus(await requestsAs(t, admin).get('/dashboard/pipeline/'), 200);
  });

  it('sums requested and approved amounts exactly, per currency, never USD and KHR together', async () => {
    const answer = await pipeline(admin);
    expect(entryOf(answer.by_status, 'status', 'draft')).toEqual({
      status: 'draft',
      count: 5,
      amounts: [
        { currency: 'KHR', requested: 8200000, approved: 0 },
        // 5000 + 999 + 100.10 + 100.10
        { currency: 'USD', requested: 6199.2, approved: 0 },
      ],
    });
    expect(entryOf(answer.by_status, 'status', 'approved')).toEqual({
      status: 'approved',
      count: 1,
      amounts: [{ currency: 'KHR', requested: 4100000, approved: 4000000 }],
    });
    expect(entryOf(answer.by_status, 'status', 'initial_review')).toEqual({
      status: 'initial_review',
      count: 1,
      amounts: [{ currency: 'USD', requested: 7000.55, approved: 0 }],
    });
    expect(entryOf(answer.by_status, 'status', 'rejected')?.amounts).toEqual([
      { currency: 'USD', requested: 1234.56, approved: 0 },
    ]);
    expect(entryOf(answer.by_status, 'status', 'withdrawn')).toEqual({
      status: 'withdrawn',
      count: 0,
      amounts: [],
    });
    expect(entryOf(answer.by_branch, 'branch_id', unitA.branchId)).toMatchObject({
      count: 6,
      amounts: [
        { currency: 'KHR', requested: 4100000, approved: 4000000 },
        // 5000 + 7000.55 + 1234.56 + 100.10 + 100.10
        { currency: 'USD', requested: 13435.31, approved: 0 },
      ],
    });
    expect(entryOf(answer.by_product, 'product_type', 'monthly_loan')).toEqual({
      product_type: 'monthly_loan',
      count: 3,
      amounts: [
        { currency: 'KHR', requested: 4100000, approved: 4000000 },
        { currency: 'USD', requested: 5999, approved: 0 },
      ],
    });
    // The bare drafts have no product type.
    expect(entryOf(answer.by_product, 'product_type', null)?.count).toBe(2);
    // Every dimension splits the same per-currency totals.
    const totals = (entries: Entry[]) => {
      const sums: Record<string, number> = {};
      for (const { amounts } of entries) {
        // In cents, so that the sums are exact.
        for (const { currency, requested } of amounts)
          sums[currency] = (sums[currency] ?? 0) + Math.round(requested * 100);
      }
      return sums;
    };
    const byStatus = totals(answer.by_status);
    for (const dimension of ['by_branch', 'by_officer', 'by_product'] as const) {
      expect(totals(answer[dimension])).toEqual(byStatus);
    }
  });

  it('names the branches and the officers', async () => {
    const answer = await pipeline(admin);
    const branchA = await requestsAs(t, admin).get(`/branches/${unitA.branchId}`);
    expect(entryOf(answer.by_branch, 'branch_id', unitA.branchId)?.branch_name).toBe(
      branchA.body.name,
    );
    const officer = entryOf(answer.by_officer, 'user_id', officerA1.user.id);
    expect(officer).toMatchObject({
      officer_name: `${officerA1.user.firstName} ${officerA1.user.lastName}`,
      count: 3,
    });
    // Most applications first.
    expect(answer.by_officer.map((entry) => entry.count)).toEqual(
      [...answer.by_officer.map((entry) => entry.count)].sort((a, b) => b - a),
    );
  });

  it('reconciles every count with the list for each role', async () => {
    const expectedTotals: [Actor, number][] = [
      [admin, 8],
      [managerA, 6],
      [viewerA, 6],
      [officerA1, 3],
      [officerA2, 3],
      [officerB, 2],
      [managerB, 2],
      [viewerB, 2],
    ];
    for (const [actor, expected] of expectedTotals) {
      const { total } = await expectReconciled(actor);
      expect([actor.user.role, total]).toEqual([actor.user.role, expected]);
    }
  });

  it('filters by the day of creation in the timezone setting, as the list does', async () => {
    const on10th = { date_from: '2024-03-10', date_to: '2024-03-10' };
    const { answer, total } = await expectReconciled(managerA, on10th);
    expect(total).toBe(1);
    expect(entryOf(answer.by_status, 'status', 'draft')).toEqual({
      status: 'draft',
      count: 1,
      amounts: [{ currency: 'USD', requested: 100.1, approved: 0 }],
    });
    expect(
      (await expectReconciled(admin, { date_from: '2024-03-11', date_to: '2024-03-11' })).total,
    ).toBe(1);
    expect((await expectReconciled(officerA2, { date_to: '2024-03-11' })).total).toBe(2);
    expect((await expectReconciled(admin, { date_from: '2024-03-12' })).total).toBe(6);
    // Nothing matches: every status at 0, empty groups.
    const none = await pipeline(admin, { date_from: '2001-01-01', date_to: '2001-01-31' });
    expect(none.by_status.every((entry) => entry.count === 0 && entry.amounts.length === 0)).toBe(
      true,
    );
    expect(none).toMatchObject({ by_branch: [], by_officer: [], by_product: [] });
  });

  it('answers the same from the summary (no dates) as from the table (dates that cover all)', async () => {
    const everything = { date_from: '2000-01-01', date_to: '2100-12-31' };
    for (const actor of [admin, managerA, viewerA, officerA1, officerB]) {
      expect(await pipeline(actor, everything)).toEqual(await pipeline(actor));
      expect(await pipeline(actor, { ...everything, branch_id: unitA.branchId })).toEqual(
        await pipeline(actor, { branch_id: unitA.branchId }),
      );
    }
  });

  it('filters by branch; a branch outside the scope gives an empty answer', async () => {
    const onlyA = await pipeline(admin, { branch_id: unitA.branchId });
    expect(onlyA.by_branch.map((entry) => entry.branch_id)).toEqual([unitA.branchId]);
    expect(onlyA.by_status.reduce((sum, entry) => sum + entry.count, 0)).toBe(6);
    expect((await pipeline(managerA, { branch_id: unitA.branchId })).by_branch).toHaveLength(1);
    for (const actor of [officerB, managerB, viewerB]) {
      const queries: Record<string, string>[] = [
        { branch_id: unitA.branchId },
        { branch_id: unitA.branchId, date_from: '2000-01-01' },
      ];
      for (const query of queries) {
        const answer = await pipeline(actor, query);
        expect(answer.by_status.every((entry) => entry.count === 0)).toBe(true);
        expect(answer).toMatchObject({ by_branch: [], by_officer: [], by_product: [] });
        expect(await listTotal(actor, query)).toBe(0);
      }
    }
  });

  it('shows an officer of branch B nothing of branch A', async () => {
    const res = await requestsAs(t, officerB).get('/dashboard/pipeline');
    expectStatus(res, 200);
    const text = JSON.stringify(res.body);
    for (const secret of [
      unitA.branchId,
      officerA1.user.id,
      officerA2.user.id,
      officerA1.user.lastName,
      '7000.55',
      '4100000',
    ]) {
      expect(text).not.toContain(String(secret));
    }
    const answer = res.body as Pipeline;
    expect(answer.by_officer.map((entry) => entry.user_id)).toEqual([officerB.user.id]);
    expect(answer.by_branch.map((entry) => entry.branch_id)).toEqual([unitB.branchId]);
    expect(entryOf(answer.by_status, 'status', 'draft')?.amounts).toEqual([
      { currency: 'KHR', requested: 8200000, approved: 0 },
      { currency: 'USD', requested: 999, approved: 0 },
    ]);
  });

  it('refuses bad input with 422 and a missing token with 401', async () => {
    const get = (query: Record<string, string>) =>
      requestsAs(t, admin).get('/dashboard/pipeline', query);
    const cases: [Record<string, string>, string][] = [
      [{ date_from: '2024-03-11', date_to: '2024-03-10' }, 'query.date_to'],
      [{ date_from: 'yesterday' }, 'query.date_from'],
      [{ date_to: '2024-02-30' }, 'query.date_to'],
      [{ branch_id: 'not-a-uuid' }, 'query.branch_id'],
      [{ status: 'draft' }, 'query.status'],
      [{ page: '1' }, 'query.page'],
    ];
    for (const [query, loc] of cases) {
      const res = await get(query);
      expectProblem(res, 422);
      expect(errorLocs(res)).toEqual([loc]);
    }
    const reversed = await get({ date_from: '2024-03-11', date_to: '2024-03-10' });
    expect(reversed.body.errors[0]).toMatchObject({
      msg: 'must not be before date_from',
      type: 'date_range',
    });
    // The same day on both ends is a range of one day.
    expectStatus(await get({ date_from: '2024-03-10', date_to: '2024-03-10' }), 200);
    const anonymous = await requestsAs(t, null).get('/dashboard/pipeline');
    expectProblem(anonymous, 401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
  });
});
