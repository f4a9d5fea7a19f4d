import {
  type ApplicationJson,
  createApplication,
  insertApplications,
  makeUnit,
  member,
  runTransitions,
  type Step,
  type Unit,
} from '../harness/applications-fixtures';
import { storeFile } from '../harness/documents-fixtures';
import { expectProblem, expectStatus } from '../harness/expect';
import { pageIds, requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { makeBranch } from '../harness/organisation-fixtures';
import { putSetting } from '../harness/settings-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * `GET /dashboard/stats` and `GET /dashboard/recent-applications` (issue 13): the exact keys the
 * web app reads; for admin, a manager, an officer and a viewer of branch A, applications in every
 * status over two branches, each count equal to the `total` of the matching `GET /applications`
 * and written by hand; users equal to `/users/stats`; files in scope plus one's own unattached
 * uploads; the review queue and returned drafts; an officer of branch B seeing nothing of A;
 * the recent list's order, limit and refusals.
 */

const STATUSES = [
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
];
const REVIEW = ['initial_review', 'credit_check', 'approval_pending'];
/** Each application figure and the statuses of the list whose `total` it must equal. */
const LIST_STATUSES: Record<string, string[] | null> = {
  total: null,
  ...Object.fromEntries(STATUSES.map((status) => [status, [status]])),
  under_review: REVIEW,
  pending: ['submitted', ...REVIEW],
};
const RECENT_KEYS = [
  'created_at',
  'currency',
  'full_name_khmer',
  'full_name_latin',
  'id',
  'phone',
  'portfolio_officer_name',
  'requested_amount',
  'status',
  'user_id',
];

/** The application figures with every key, 0 unless given (expected values are written out). */
function applications(counts: Record<string, number>): Record<string, number> {
  return {
    total: 0,
    ...Object.fromEntries(STATUSES.map((status) => [status, 0])),
    under_review: 0,
    pending: 0,
    ...counts,
  };
}

describe('dashboard stats and recent applications', () => {
  let t: TestApp;
  let admin: Actor;
  let unitA: Unit;
  let officerA: Actor;
  let officerA2: Actor;
  let managerA: Actor;
  let viewerA: Actor;
  let officerB: Actor;
  let officerB2: Actor;
  let managerB: Actor;
  const idsA: string[] = [];
  const idsB: string[] = [];
  let inserted: string[];
  let first: ApplicationJson;

  const get = (actor: Actor | null, path: string, query?: Record<string, string | number>) =>
    requestsAs(t, actor).get(path, query);
  const stats = async (actor: Actor) => {
    const res = await get(actor, '/dashboard/stats');
    expectStatus(res, 200);
    return res.body;
  };
  /** The `total` of GET /applications as `actor`, with `query`. */
  const listTotal = async (actor: Actor, query: Record<string, string> = {}) => {
    const res = await get(actor, '/applications', { size: 1, ...query });
    expectStatus(res, 200);
    return res.body.total as number;
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
    // Submitted applications wait in `submitted` until a manager assigns them.
    expectStatus(await putSetting(t, admin, 'auto_assign_applications', false), 200);
    unitA = await makeUnit(t);
    const unitB = await makeUnit(t);
    // An inactive branch: the units' `active` differs from their `total`.
    await makeBranch(t, { isActive: false });
    [officerA, officerA2, managerA, viewerA, officerB, officerB2, managerB] = await Promise.all([
      member(t, 'officer', unitA),
      member(t, 'officer', unitA),
      member(t, 'manager', unitA),
      member(t, 'viewer', unitA),
      member(t, 'officer', unitB),
      member(t, 'officer', unitB),
      member(t, 'manager', unitB),
    ]);

    const submitA: Step = [officerA, 'submit'];
    const assignA: Step = [managerA, 'assign-reviewer', { reviewer_id: managerA.user.id }];
    const reviewA: Step[] = [submitA, assignA];
    const creditA: Step[] = [...reviewA, [managerA, 'complete-review']];
    const pendingA: Step[] = [...creditA, [managerA, 'assess-risk']];
    const approvedA: Step[] = [...pendingA, [managerA, 'approve']];
    const disbursedA: Step[] = [...approvedA, [managerA, 'disburse']];
    // Branch A: officerA's applications in every status (one draft returned for changes).
    const pathsA: Step[][] = [
      [],
      [submitA, [managerA, 'return', { reason: 'Add the guarantor' }]],
      [submitA],
      reviewA,
      creditA,
      pendingA,
      approvedA,
      disbursedA,
      [...disbursedA, [managerA, 'complete']],
      [submitA, [managerA, 'reject', { rejection_reason: 'Income too low' }]],
      [[officerA, 'withdraw']],
    ];
    for (const path of pathsA) {
      const application = await createApplication(t, officerA);
      first ??= application;
      await runTransitions(t, application.id, path);
      idsA.push(application.id);
    }
    // officerA2's, in review with the admin as reviewer.
    const reviewedByAdmin = await createApplication(t, officerA2, { requested_amount: 2500.5 });
    await runTransitions(t, reviewedByAdmin.id, [
      [officerA2, 'submit'],
      [managerA, 'assign-reviewer', { reviewer_id: admin.user.id }],
    ]);
    idsA.push(reviewedByAdmin.id);

    // Branch B: officerB's draft, one in review, one approved, one returned.
    const submitB: Step = [officerB, 'submit'];
    const assignB: Step = [managerB, 'assign-reviewer', { reviewer_id: managerB.user.id }];
    const pathsB: Step[][] = [
      [],
      [submitB, assignB],
      [
        submitB,
        assignB,
        [managerB, 'complete-review'],
        [managerB, 'assess-risk'],
        [managerB, 'approve'],
      ],
      [submitB, [managerB, 'return', { reason: 'Wrong amount' }]],
    ];
    for (const path of pathsB) {
      const application = await createApplication(t, officerB, { currency: 'KHR' });
      await runTransitions(t, application.id, path);
      idsB.push(application.id);
    }
    // Three more of officerB's drafts, created at the same instant (the newest of all).
    inserted = await insertApplications(t, 3, {
      userId: officerB.user.id,
      branchId: unitB.branchId,
      departmentId: unitB.departmentId,
      requestedAmount: '100.00',
      createdAt: '2030-01-01T00:00:00Z',
    });
    idsB.push(...inserted);

    // Documents: attached ones in both branches, and unattached uploads of several users.
    const file = (uploader: Actor, size: number, applicationId: string | null = null) =>
      storeFile(t, {
        uploadedBy: uploader.user.id,
        bytes: Buffer.alloc(size, 1),
        name: 'scan.pdf',
        mimeType: 'application/pdf',
        applicationId,
        withoutObject: true,
      });
    await file(officerA, 10, idsA[0]);
    await file(officerA, 20, idsA[0]);
    await file(managerA, 30, idsA[6]);
    await file(officerA2, 50, reviewedByAdmin.id);
    await file(officerB, 40, idsB[0]);
    await file(officerA, 5);
    await file(managerA, 7);
    await file(admin, 9);
    await file(officerB, 11);
    await file(officerA2, 17);
  });
  afterAll(() => t.close());

  describe('GET /dashboard/stats', () => {
    it('has every group and exactly the keys the web app reads', async () => {
      const body = await stats(officerB2);
      expect(Object.keys(body).sort()).toEqual(
        ['applications', 'branches', 'departments', 'files', 'my_queue', 'users'].sort(),
      );
      expect(Object.keys(body.applications).sort()).toEqual(
        ['total', ...STATUSES, 'under_review', 'pending'].sort(),
      );
      expect(Object.keys(body.users).sort()).toEqual(
        ['total', 'active', 'inactive', 'admins', 'managers', 'officers', 'viewers'].sort(),
      );
      expect(Object.keys(body.departments).sort()).toEqual(['active', 'total']);
      expect(Object.keys(body.branches).sort()).toEqual(['active', 'total']);
      expect(Object.keys(body.files).sort()).toEqual(['total', 'total_size']);
      expect(Object.keys(body.my_queue).sort()).toEqual(['assigned_to_me', 'returned_to_me']);
      for (const group of Object.values(body) as Record<string, unknown>[]) {
        for (const value of Object.values(group)) expect(Number.isInteger(value)).toBe(true);
      }
    });

    it('counts the applications of each scope per status, as written by hand', async () => {
      const branchA = applications({
        total: 12,
        draft: 2,
        submitted: 1,
        initial_review: 2,
        credit_check: 1,
        approval_pending: 1,
        approved: 1,
        rejected: 1,
        disbursed: 1,
        completed: 1,
        withdrawn: 1,
        under_review: 4,
        pending: 5,
      });
      const expected: [Actor, Record<string, number>][] = [
        [
          admin,
          applications({
            total: 19,
            draft: 7,
            submitted: 1,
            initial_review: 3,
            credit_check: 1,
            approval_pending: 1,
            approved: 2,
            rejected: 1,
            disbursed: 1,
            completed: 1,
            withdrawn: 1,
            under_review: 5,
            pending: 6,
          }),
        ],
        [managerA, branchA],
        [viewerA, branchA],
        // officerA created all of branch A's but officerA2's.
        [officerA, { ...branchA, total: 11, initial_review: 1, under_review: 3, pending: 4 }],
        [
          officerB,
          applications({
            total: 7,
            draft: 5,
            initial_review: 1,
            approved: 1,
            under_review: 1,
            pending: 1,
          }),
        ],
        [officerB2, applications({})],
      ];
      for (const [actor, figures] of expected) {
        expect((await stats(actor)).applications).toEqual(figures);
      }
    });

    it.each(['admin', 'managerA', 'officerA', 'viewerA', 'officerB'])(
      'gives %s each application count equal to the total of GET /applications?status=',
      async (name) => {
        const actor = { admin, managerA, officerA, viewerA, officerB }[name]!;
        const figures = (await stats(actor)).applications;
        for (const [key, statuses] of Object.entries(LIST_STATUSES)) {
          const total = await listTotal(actor, statuses ? { status: statuses.join(',') } : {});
          expect({ [key]: figures[key] }).toEqual({ [key]: total });
        }
        // The list's table answer (a filter the summary cannot take) agrees as well.
        const pending = await listTotal(actor, {
          status: LIST_STATUSES.pending!.join(','),
          priority_level: 'normal',
        });
        expect(figures.pending).toBe(pending);
      },
    );

    it('gives the users figures of GET /users/stats, and zeros without users:read', async () => {
      for (const actor of [admin, managerA, managerB]) {
        const [dashboard, users] = await Promise.all([stats(actor), get(actor, '/users/stats')]);
        expectStatus(users, 200);
        expect(dashboard.users).toEqual({
          total: users.body.total,
          active: users.body.active,
          inactive: users.body.inactive,
          admins: users.body.by_role.admin,
          managers: users.body.by_role.manager,
          officers: users.body.by_role.officer,
          viewers: users.body.by_role.viewer,
        });
        expect(dashboard.users.total).toBeGreaterThan(0);
      }
      // Hand count for the manager of A: the users of branch A (officerA, officerA2, managerA,
      // viewerA), all active.
      expect((await stats(managerA)).users).toEqual({
        total: 4,
        active: 4,
        inactive: 0,
        admins: 0,
        managers: 1,
        officers: 2,
        viewers: 1,
      });
      for (const actor of [officerA, viewerA, officerB]) {
        expectStatus(await get(actor, '/users/stats'), 403);
        expect((await stats(actor)).users).toEqual({
          total: 0,
          active: 0,
          inactive: 0,
          admins: 0,
          managers: 0,
          officers: 0,
          viewers: 0,
        });
      }
    });

    it('gives every role the organisation units of /departments/stats and /branches/stats', async () => {
      for (const actor of [admin, managerA, officerA, viewerA, officerB2]) {
        const [dashboard, departments, branches] = await Promise.all([
          stats(actor),
          get(actor, '/departments/stats'),
          get(actor, '/branches/stats'),
        ]);
        expect(dashboard.departments).toEqual({
          total: departments.body.total,
          active: departments.body.active,
        });
        expect(dashboard.branches).toEqual({
          total: branches.body.total,
          active: branches.body.active,
        });
        expect(dashboard.branches.active).toBe(dashboard.branches.total - 1);
      }
    });

    it("counts the files of applications in scope and the caller's own unattached uploads", async () => {
      const expected: [Actor, { total: number; total_size: number }][] = [
        // Every attached file (10+20+30+50+40) and the admin's own upload (9), not others'.
        [admin, { total: 6, total_size: 159 }],
        [managerA, { total: 5, total_size: 117 }],
        [officerA, { total: 4, total_size: 65 }],
        [viewerA, { total: 4, total_size: 110 }],
        [officerB, { total: 2, total_size: 51 }],
        [officerB2, { total: 0, total_size: 0 }],
      ];
      for (const [actor, files] of expected) {
        expect((await stats(actor)).files).toEqual(files);
      }
      // Below admin, exactly the files GET /files shows; the admin's list also shows the
      // unattached uploads of others (5 + 7 + 11 + 17), which are not the admin's documents.
      for (const actor of [managerA, officerA, viewerA, officerB, officerB2]) {
        const list = await get(actor, '/files');
        expectStatus(list, 200);
        expect((await stats(actor)).files.total).toBe(list.body.total);
      }
      expect((await get(admin, '/files')).body.total).toBe(10);
    });

    it('counts the reviews assigned to the caller and their returned drafts', async () => {
      const expected: [Actor, { assigned_to_me: number; returned_to_me: number }][] = [
        [admin, { assigned_to_me: 1, returned_to_me: 0 }],
        // Assigned the review stages of three; the approved, disbursed and completed ones
        // keep managerA as reviewer but wait on nobody's review.
        [managerA, { assigned_to_me: 3, returned_to_me: 0 }],
        [officerA, { assigned_to_me: 0, returned_to_me: 1 }],
        [viewerA, { assigned_to_me: 0, returned_to_me: 0 }],
        [managerB, { assigned_to_me: 1, returned_to_me: 0 }],
        [officerB, { assigned_to_me: 0, returned_to_me: 1 }],
        [officerB2, { assigned_to_me: 0, returned_to_me: 0 }],
      ];
      for (const [actor, queue] of expected) {
        const body = await stats(actor);
        expect(body.my_queue).toEqual(queue);
        expect(body.my_queue.assigned_to_me).toBe(
          await listTotal(actor, { assigned_reviewer: actor.user.id, status: REVIEW.join(',') }),
        );
      }
      // A returned draft submitted again leaves the queue; withdrawn, it stays out of it.
      await runTransitions(t, idsA[1], [[officerA, 'submit']]);
      expect((await stats(officerA)).my_queue.returned_to_me).toBe(0);
      expect((await stats(officerA)).applications).toMatchObject({ draft: 1, submitted: 2 });
      await runTransitions(t, idsA[1], [[managerA, 'return', { reason: 'Still missing' }]]);
      expect((await stats(officerA)).my_queue.returned_to_me).toBe(1);
    });

    it('shows an officer of branch B nothing of branch A', async () => {
      const body = await stats(officerB2);
      expect(body.applications).toEqual(applications({}));
      expect(body.files).toEqual({ total: 0, total_size: 0 });
      expect(body.users.total).toBe(0);
      expect(body.my_queue).toEqual({ assigned_to_me: 0, returned_to_me: 0 });
      // officerB's own figures hold only B's (7 applications, 1 file + 1 upload: 51 bytes).
      const own = await stats(officerB);
      expect(own.applications.total).toBe(idsB.length);
      expect(own.files.total_size).toBe(51);
    });

    it('is 401 without a token', async () => {
      expectProblem(await get(null, '/dashboard/stats'), 401);
    });
  });

  describe('GET /dashboard/recent-applications', () => {
    const recent = async (actor: Actor, query?: Record<string, string | number>) => {
      const res = await get(actor, '/dashboard/recent-applications', query);
      expectStatus(res, 200);
      expect(Array.isArray(res.body)).toBe(true);
      return res.body as Record<string, unknown>[];
    };
    const ids = (items: Record<string, unknown>[]) => items.map((item) => item.id as string);

    it('gives the fields of each application', async () => {
      const [item] = (await recent(officerA, { limit: 50 })).filter(
        (entry) => entry.id === first.id,
      );
      expect(Object.keys(item).sort()).toEqual(RECENT_KEYS);
      expect(item).toEqual({
        id: first.id,
        full_name_latin: first.full_name_latin,
        full_name_khmer: first.full_name_khmer,
        requested_amount: 5000,
        currency: 'USD',
        status: 'draft',
        created_at: first.created_at,
        user_id: officerA.user.id,
        phone: first.phone,
        portfolio_officer_name: first.portfolio_officer_name,
      });
    });

    it('lists the scope newest first, as the list orders equal priorities', async () => {
      for (const actor of [admin, managerA, officerA, viewerA, officerB]) {
        const [items, list] = await Promise.all([
          recent(actor, { limit: 50 }),
          get(actor, '/applications', { size: 50 }),
        ]);
        expectStatus(list, 200);
        expect(ids(items)).toEqual(pageIds(list));
        const times = items.map((item) => Date.parse(item.created_at as string));
        expect(times).toEqual([...times].sort((a, b) => b - a));
      }
      expect(ids(await recent(admin, { limit: 50 }))).toHaveLength(idsA.length + idsB.length);
    });

    it('breaks ties of created_at by id, descending', async () => {
      const top = ids(await recent(officerB, { limit: 3 }));
      expect(top).toEqual([...inserted].sort().reverse());
    });

    it('takes 5 by default, and the limit asked', async () => {
      const all = ids(await recent(admin, { limit: 50 }));
      expect(ids(await recent(admin))).toEqual(all.slice(0, 5));
      expect(ids(await recent(admin, { limit: 1 }))).toEqual(all.slice(0, 1));
      expect(ids(await recent(admin, { limit: 12 }))).toEqual(all.slice(0, 12));
    });

    it('shows an officer of branch B nothing of branch A', async () => {
      expect(await recent(officerB2, { limit: 50 })).toEqual([]);
      const own = ids(await recent(officerB, { limit: 50 }));
      expect(own.sort()).toEqual([...idsB].sort());
      expect(own.filter((id) => idsA.includes(id))).toEqual([]);
    });

    it.each([['0'], ['51'], ['abc'], ['1.5'], ['-1'], ['']])(
      'refuses limit=%j (422)',
      async (limit) => {
        const res = await get(admin, '/dashboard/recent-applications', { limit });
        const problem = expectProblem(res, 422);
        const locs = problem.errors.map((error: { loc: string[] }) => error.loc.join('.'));
        expect([...new Set(locs)]).toEqual(['query.limit']);
      },
    );

    it('refuses an unknown query parameter (422) and a call without a token (401)', async () => {
      expectProblem(await get(admin, '/dashboard/recent-applications', { size: 5 }), 422);
      expectProblem(await get(null, '/dashboard/recent-applications'), 401);
    });
  });
});
