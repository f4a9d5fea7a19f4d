import { randomUUID } from 'node:crypto';
import {
  type ApplicationJson,
  createApplication,
  insertApplications,
  makeUnit,
  member,
  runTransitions,
  type Unit,
} from '../harness/applications-fixtures';
import { expectProblem, expectStatus } from '../harness/expect';
import { loginWithForm, requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * The dashboard's activity routes (issue 13; SPEC §7 "Dashboard"): GET /dashboard/activity-
 * timeline, /performance-metrics and /turnaround, for every role. The timeline's application
 * events are exactly the union of the histories the caller may read, its other events exactly
 * what the caller's audit log shows; nobody sees another branch's activity, not even through an
 * event row that names their branch. Metrics and turnaround are checked against events written
 * with chosen times (the stage figures on a crafted set of visits whose durations are known).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TIMELINE_KEYS = [
  'action',
  'description',
  'id',
  'status',
  'timestamp',
  'title',
  'type',
  'user_id',
];
const METRICS_KEYS = [
  'active_users_today',
  'applications_processed_30d',
  'approval_rate_percentage',
  'average_processing_time_days',
];
const STAGES = ['submitted', 'initial_review', 'credit_check', 'approval_pending', 'approved'];

/** The UTC day of a time, YYYY-MM-DD. */
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

describe('Dashboard activity', () => {
  let t: TestApp;
  let admin: Actor;
  let unitA: Unit;
  let unitB: Unit;
  let unitC: Unit;
  let unitD: Unit;
  let officerA: Actor;
  let managerA: Actor;
  let viewerA: Actor;
  let officerB: Actor;
  let managerB: Actor;
  let viewerB: Actor;
  let managerC: Actor;
  let officerC: Actor;
  let viewerC: Actor;
  let managerD: Actor;
  let officerD: Actor;
  let viewerD: Actor;
  /** An officer without any application. */
  let newcomer: Actor;
  let a1: ApplicationJson;
  let a2: ApplicationJson;
  let a3: ApplicationJson;
  let b1: ApplicationJson;
  let deletedId: string;
  /** An event of B's application b1 whose row names branch A. */
  let misplacedEventId: string;

  const get = (actor: Actor | null, path: string, query?: Record<string, string | number>) =>
    requestsAs(t, actor).get(`/dashboard${path}`, query);

  /** Writes one audit event as the trail would, at a chosen time; its id. */
  async function insertEvent(fields: {
    at: number;
    action: string;
    entityId: string | null;
    entityType?: string;
    unit: Unit;
    actor: Actor;
    from?: string | null;
    to?: string | null;
    details?: object;
  }): Promise<string> {
    const [row] = await t.ownerQuery<{ id: string }>(
      `INSERT INTO audit_events (occurred_at, actor_id, actor_name, actor_role, action, entity_type,
                                 entity_id, branch_id, department_id, from_status, to_status, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        new Date(fields.at),
        fields.actor.user.id,
        fields.actor.user.username,
        fields.actor.user.role,
        fields.action,
        fields.entityType ?? 'application',
        fields.entityId,
        fields.unit.branchId,
        fields.unit.departmentId,
        fields.from ?? null,
        fields.to ?? null,
        JSON.stringify(fields.details ?? {}),
      ],
    );
    return row.id;
  }

  /** Status changes of one application: [hours after `base`, action, from, to]. */
  async function insertChanges(
    id: string,
    unit: Unit,
    actor: Actor,
    base: number,
    changes: [number, string, string | null, string][],
  ): Promise<void> {
    for (const [hours, action, from, to] of changes) {
      await insertEvent({ at: base + hours * HOUR, action, entityId: id, unit, actor, from, to });
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
    [unitA, unitB, unitC, unitD] = await Promise.all([
      makeUnit(t),
      makeUnit(t),
      makeUnit(t),
      makeUnit(t),
    ]);
    [officerA, managerA, viewerA, officerB, managerB, viewerB] = await Promise.all([
      member(t, 'officer', unitA),
      member(t, 'manager', unitA),
      member(t, 'viewer', unitA),
      member(t, 'officer', unitB),
      member(t, 'manager', unitB),
      member(t, 'viewer', unitB),
    ]);
    [managerC, officerC, viewerC, managerD, officerD, viewerD, newcomer] = await Promise.all([
      member(t, 'manager', unitC),
      member(t, 'officer', unitC),
      member(t, 'viewer', unitC),
      member(t, 'manager', unitD),
      member(t, 'officer', unitD),
      member(t, 'viewer', unitD),
      t.signIn('officer'),
    ]);

    // Branch A: one approved, one rejected, one draft, one deleted; branch B: one approved.
    [a1, a2, a3, b1] = await Promise.all([
      createApplication(t, officerA),
      createApplication(t, officerA),
      createApplication(t, officerA),
      createApplication(t, officerB),
    ]);
    const deleted = await createApplication(t, officerA);
    deletedId = deleted.id;
    expectStatus(await requestsAs(t, officerA).delete(`/applications/${deleted.id}`), 204);
    // Submit assigns the unit's only manager, who reviews and decides.
    await runTransitions(t, a1.id, [
      [officerA, 'submit'],
      [managerA, 'complete-review'],
      [managerA, 'assess-risk'],
      [managerA, 'approve'],
    ]);
    await runTransitions(t, a2.id, [
      [officerA, 'submit'],
      [managerA, 'reject', { rejection_reason: 'Income not verified' }],
    ]);
    await runTransitions(t, b1.id, [
      [officerB, 'submit'],
      [managerB, 'complete-review'],
      [managerB, 'assess-risk'],
      [managerB, 'approve'],
    ]);
    // Events of the rest of the log: a sign-in in branch A and one in branch B.
    expectStatus(await loginWithForm(t, officerA.user.username), 200);
    expectStatus(await loginWithForm(t, officerB.user.username), 200);
    // An event of a1 ten days old: in a 30-day timeline, not a 7-day one.
    await insertEvent({
      at: Date.now() - 10 * DAY,
      action: 'application.updated',
      entityId: a1.id,
      unit: unitA,
      actor: officerA,
      details: { fields: ['phone'] },
    });
    // An event of B's application whose row names branch A: still not A's to see.
    misplacedEventId = await insertEvent({
      at: Date.now() - HOUR,
      action: 'application.updated',
      entityId: b1.id,
      unit: unitA,
      actor: managerB,
    });
  });
  afterAll(() => t?.close());

  describe('authentication and bad input', () => {
    it.each(['/activity-timeline', '/performance-metrics', '/turnaround'])(
      '%s is 401 without a token',
      async (path) => {
        const res = await get(null, path);
        expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      },
    );

    it.each(['0', '91', 'abc', '1.5', '', '-3'])('days=%s is 422', async (days) => {
      const body = expectProblem(await get(admin, '/activity-timeline', { days }), 422);
      const locs = new Set(body.errors.map((error: Json) => error.loc.join('.')));
      expect(locs).toEqual(new Set(['query.days']));
    });

    it.each([
      [{ date_from: '2026-13-01' }, 'date_from'],
      [{ date_to: 'yesterday' }, 'date_to'],
      [{ branch_id: 'not-a-uuid' }, 'branch_id'],
      [{ date_from: '2026-03-02', date_to: '2026-03-01' }, 'date_to'],
      [{ date_from: dayOf(Date.now() + 3 * DAY) }, 'date_from'],
      [{ unknown: '1' }, 'unknown'],
    ])('turnaround %j is 422 naming %s', async (query, field) => {
      const body = expectProblem(await get(admin, '/turnaround', query), 422);
      expect(body.errors.map((error: Json) => error.loc)).toEqual([['query', field]]);
    });

    it('takes days at the bounds and the trailing slash', async () => {
      for (const days of ['1', '90']) {
        expectStatus(await get(officerA, '/activity-timeline', { days }), 200);
      }
      expectStatus(await requestsAs(t, viewerA).get('/dashboard/turnaround/'), 200);
    });
  });

  describe('GET /dashboard/activity-timeline', () => {
    /** The ids of the events of the histories `actor` may read, since `since`. */
    async function readableHistoryIds(actor: Actor, since: number): Promise<Set<string>> {
      const list = await requestsAs(t, actor).get('/applications', { size: 100 });
      expectStatus(list, 200);
      expect(list.body.total).toBeLessThanOrEqual(100);
      const ids = new Set<string>();
      for (const application of list.body.items as Json[]) {
        const history = await requestsAs(t, actor).get(`/applications/${application.id}/history`, {
          size: 100,
        });
        expectStatus(history, 200);
        expect(history.body.total).toBeLessThanOrEqual(100);
        for (const event of history.body.items as Json[]) {
          if (new Date(event.occurred_at).getTime() >= since) ids.add(event.id);
        }
      }
      return ids;
    }

    /** The ids of the events of `actor`'s audit log since `since` that are not of one application. */
    async function auditLogOtherIds(actor: Actor, since: number): Promise<Set<string>> {
      const ids = new Set<string>();
      for (let page = 1; ; page += 1) {
        const res = await requestsAs(t, actor).get('/audit', {
          size: 100,
          page,
          date_from: new Date(since).toISOString(),
        });
        expectStatus(res, 200);
        for (const event of res.body.items as Json[]) {
          if (!(event.entity_type === 'application' && event.entity_id)) ids.add(event.id);
        }
        if (page >= res.body.pages) return ids;
      }
    }

    async function timeline(actor: Actor, days: number) {
      const since = Date.now() - days * DAY;
      const res = await get(actor, '/activity-timeline', { days });
      expectStatus(res, 200);
      const events = res.body as Json[];
      const ids = (type: string) =>
        new Set(events.filter((event) => event.type === type).map((event) => event.id));
      return { since, events, application: ids('application'), user: ids('user') };
    }

    const callers = () =>
      [
        ['admin', admin, true],
        ['manager A', managerA, true],
        ['officer A', officerA, false],
        ['viewer A', viewerA, false],
        ['manager B', managerB, true],
        ['officer B', officerB, false],
        ['viewer B', viewerB, false],
        ['newcomer', newcomer, false],
      ] as const;

    it.each([7, 30])(
      'for every role, holds the events of the histories it may read (%i days), and the rest of the audit log only with audit:read',
      async (days) => {
        for (const [, actor, readsAudit] of callers()) {
          const { since, events, application, user } = await timeline(actor, days);
          expect(events.length).toBeLessThan(100);
          expect(application).toEqual(await readableHistoryIds(actor, since));
          if (readsAudit) expect(user).toEqual(await auditLogOtherIds(actor, since));
          else expect(user).toEqual(new Set());
        }
      },
    );

    it('answers the exact keys, newest first, in words', async () => {
      const { events } = await timeline(managerA, 7);
      for (const event of events) expect(Object.keys(event).sort()).toEqual(TIMELINE_KEYS);
      const times = events.map((event) => event.timestamp as string);
      expect([...times].sort().reverse()).toEqual(times);
      const approval = events.find((event) => event.action === 'application.approve');
      expect(approval).toMatchObject({
        type: 'application',
        status: 'approved',
        user_id: managerA.user.id,
        title: 'Application approved',
        description: `${managerA.user.username} moved the application from approval_pending to approved`,
      });
      const rejection = events.find((event) => event.action === 'application.reject');
      expect(rejection?.description).toBe(
        `${managerA.user.username} moved the application from initial_review to rejected: "Income not verified"`,
      );
      const created = events.find((event) => event.action === 'application.created');
      expect(created).toMatchObject({ status: 'draft', title: 'Application created' });
      const login = events.find((event) => event.action === 'auth.login');
      expect(login).toMatchObject({
        type: 'user',
        status: null,
        user_id: officerA.user.id,
        title: 'Signed in',
        description: `${officerA.user.username} signed in`,
      });
    });

    it('keeps to the last `days`: the 10-day-old event only in a longer timeline', async () => {
      const actions = async (days: number) =>
        (await timeline(officerA, days)).events
          .filter((event) => event.action === 'application.updated')
          .map((event) => event.description);
      expect(await actions(7)).toEqual([]);
      expect(await actions(30)).toEqual([`${officerA.user.username} updated phone`]);
    });

    it('shows nothing of another branch, not even an event row that names the branch', async () => {
      const branchA = await readableHistoryIds(managerA, 0);
      const { application, user, events } = await timeline(managerB, 90);
      expect([...application].filter((id) => branchA.has(id))).toEqual([]);
      expect(application.has(misplacedEventId)).toBe(true);
      expect(events.some((event) => event.user_id === officerA.user.id)).toBe(false);
      expect(user.size).toBeGreaterThan(0);

      for (const actor of [managerA, officerA, viewerA, admin]) {
        const seen = await timeline(actor, 90);
        expect(seen.application.has(misplacedEventId)).toBe(actor === admin);
        expect(seen.user.has(misplacedEventId)).toBe(false);
      }
      for (const actor of [officerB, viewerB]) {
        const seen = await timeline(actor, 90);
        expect([...seen.application].filter((id) => branchA.has(id))).toEqual([]);
        expect(seen.events.some((event) => event.user_id === officerA.user.id)).toBe(false);
      }
    });

    it('leaves out the events of a deleted application, whose history is gone', async () => {
      const deletedEvents = await t.dataSource.query<{ id: string }[]>(
        `SELECT id FROM audit_events WHERE entity_id = $1`,
        [deletedId],
      );
      expect(deletedEvents.length).toBe(2);
      const { events } = await timeline(admin, 90);
      const ids = new Set(events.map((event) => event.id));
      expect(deletedEvents.filter((event) => ids.has(event.id))).toEqual([]);
    });

    it('shows at most the 100 newest', async () => {
      const now = Date.now();
      for (let i = 1; i <= 110; i += 1) {
        await insertEvent({
          at: now - i * 1000,
          action: 'application.updated',
          entityId: a3.id,
          unit: unitA,
          actor: officerA,
        });
      }
      const { since, events } = await timeline(viewerA, 7);
      expect(events).toHaveLength(100);
      // The newest 100 of the histories the viewer may read.
      const readable: Json[] = [];
      for (const id of [a1.id, a2.id, a3.id]) {
        for (const page of [1, 2]) {
          const history = await requestsAs(t, viewerA).get(`/applications/${id}/history`, {
            size: 100,
            page,
          });
          expectStatus(history, 200);
          readable.push(...(history.body.items as Json[]));
        }
      }
      const newest = readable
        .filter((event) => new Date(event.occurred_at).getTime() >= since)
        .sort((x, y) =>
          x.occurred_at < y.occurred_at ? 1 : x.occurred_at > y.occurred_at ? -1 : 0,
        )
        .slice(0, 100)
        .map((event) => event.id);
      expect(new Set(events.map((event) => event.id))).toEqual(new Set(newest));
    });
  });

  describe('GET /dashboard/performance-metrics', () => {
    const metrics = async (actor: Actor) => {
      const res = await get(actor, '/performance-metrics');
      expectStatus(res, 200);
      expect(Object.keys(res.body).sort()).toEqual(METRICS_KEYS);
      return res.body as Json;
    };

    beforeAll(async () => {
      const [c1, c2, c3] = await insertApplications(t, 3, {
        userId: officerC.user.id,
        branchId: unitC.branchId,
        departmentId: unitC.departmentId,
        status: 'approved',
      });
      const now = Date.now();
      // c1: first submit 5 days ago, returned, submitted again, approved 2 days ago: 3.0 days.
      await insertChanges(c1, unitC, managerC, now - 5 * DAY, [
        [0, 'application.submit', 'draft', 'initial_review'],
        [12, 'application.return', 'initial_review', 'draft'],
        [24, 'application.submit', 'draft', 'initial_review'],
        [72, 'application.approve', 'initial_review', 'approved'],
      ]);
      // c2: submitted 4 days ago, rejected 3 days ago: 1.0 day.
      await insertChanges(c2, unitC, managerC, now - 4 * DAY, [
        [0, 'application.submit', 'draft', 'submitted'],
        [24, 'application.reject', 'submitted', 'rejected'],
      ]);
      // c3: decided 40 days ago, outside the 30 days.
      await insertChanges(c3, unitC, managerC, now - 45 * DAY, [
        [0, 'application.submit', 'draft', 'submitted'],
        [120, 'application.approve', 'submitted', 'approved'],
      ]);
      // Signed in today: officer C; three days ago: viewer C.
      await t.ownerQuery(`UPDATE users SET last_login_at = now() WHERE id = $1`, [
        officerC.user.id,
      ]);
      await t.ownerQuery(
        `UPDATE users SET last_login_at = now() - interval '3 days' WHERE id = $1`,
        [viewerC.user.id],
      );
    });

    it('computes the decisions of the last 30 days in scope, from the first submit', async () => {
      expect(await metrics(managerC)).toEqual({
        applications_processed_30d: 2,
        average_processing_time_days: 2,
        approval_rate_percentage: 50,
        active_users_today: 1,
      });
      // The viewer of the branch: the same decisions; no users:read.
      expect(await metrics(viewerC)).toEqual({
        applications_processed_30d: 2,
        average_processing_time_days: 2,
        approval_rate_percentage: 50,
        active_users_today: 0,
      });
    });

    it('counts the real transitions of each scope, and no other branch', async () => {
      // a1 approved and a2 rejected seconds after their submit.
      const branchA = {
        applications_processed_30d: 2,
        average_processing_time_days: 0,
        approval_rate_percentage: 50,
      };
      expect(await metrics(managerA)).toEqual({ ...branchA, active_users_today: 1 });
      expect(await metrics(officerA)).toEqual({ ...branchA, active_users_today: 0 });
      expect(await metrics(viewerA)).toEqual({ ...branchA, active_users_today: 0 });
      const branchB = {
        applications_processed_30d: 1,
        average_processing_time_days: 0,
        approval_rate_percentage: 100,
      };
      expect(await metrics(managerB)).toEqual({ ...branchB, active_users_today: 1 });
      expect(await metrics(officerB)).toEqual({ ...branchB, active_users_today: 0 });
      const all = await metrics(admin);
      expect(all.applications_processed_30d).toBeGreaterThanOrEqual(5);
      expect(all.active_users_today).toBeGreaterThanOrEqual(2);
    });

    it('is null, never NaN, without a decision', async () => {
      expect(await metrics(newcomer)).toEqual({
        applications_processed_30d: 0,
        average_processing_time_days: null,
        approval_rate_percentage: null,
        active_users_today: 0,
      });
    });
  });

  describe('GET /dashboard/turnaround', () => {
    /** The ends of the old visit (200 days ago). */
    let oldSubmit: number;

    const turnaround = async (actor: Actor, query: Record<string, string> = {}) => {
      const res = await get(actor, '/turnaround', query);
      expectStatus(res, 200);
      expect(Object.keys(res.body).sort()).toEqual([
        'branch_id',
        'date_from',
        'date_to',
        'end_to_end',
        'stages',
      ]);
      expect(res.body.stages.map((stage: Json) => stage.stage)).toEqual(STAGES);
      for (const stage of res.body.stages) {
        expect(Object.keys(stage).sort()).toEqual([
          'count',
          'median_hours',
          'open',
          'p90_hours',
          'stage',
        ]);
      }
      return res.body as Json;
    };
    const figures = (body: Json) => ({
      ...Object.fromEntries(
        body.stages.map((stage: Json) => [
          stage.stage,
          [stage.count, stage.open, stage.median_hours, stage.p90_hours],
        ]),
      ),
      end_to_end: [
        body.end_to_end.count,
        body.end_to_end.open,
        body.end_to_end.median_hours,
        body.end_to_end.p90_hours,
      ],
    });

    /** Branch D's figures over the default period: [count, open, median, p90]. */
    const BRANCH_D = {
      // d1 2 h, d3 4 h (d2 went straight to initial_review: no visit).
      submitted: [2, 0, 3, 3.8],
      // d1 10 h, d2 6 h + 5 h (two visits, summed), d3 1 h.
      initial_review: [3, 0, 10, 10.8],
      // d1 4 h, d2 2 h + 4 h; d3 still there (open).
      credit_check: [2, 1, 5, 5.8],
      // d1 5 h, d2 1 h.
      approval_pending: [2, 0, 3, 4.6],
      // d1 24 h until disbursed.
      approved: [1, 0, 24, 24],
      // First submit to decision: d1 21 h, d2 20 h; d3 under review.
      end_to_end: [2, 1, 20.5, 20.9],
    };

    beforeAll(async () => {
      const insert = (status: string) =>
        insertApplications(t, 1, {
          userId: officerD.user.id,
          branchId: unitD.branchId,
          departmentId: unitD.departmentId,
          status,
        }).then(([id]) => id);
      const [d1, d2, d3, d4] = await Promise.all([
        insert('disbursed'),
        insert('rejected'),
        insert('credit_check'),
        insert('withdrawn'),
      ]);
      const base = Date.now() - 20 * DAY;
      await insertChanges(d1, unitD, managerD, base, [
        [-1, 'application.created', null, 'draft'],
        [0, 'application.submit', 'draft', 'submitted'],
        [2, 'application.assign_reviewer', 'submitted', 'initial_review'],
        [12, 'application.complete_review', 'initial_review', 'credit_check'],
        [16, 'application.assess_risk', 'credit_check', 'approval_pending'],
        [21, 'application.approve', 'approval_pending', 'approved'],
        [45, 'application.disburse', 'approved', 'disbursed'],
      ]);
      await insertChanges(d2, unitD, managerD, base, [
        [0, 'application.submit', 'draft', 'initial_review'],
        // Same status before and after: not a change, the visit goes on.
        [3, 'application.priority', 'initial_review', 'initial_review'],
        [6, 'application.complete_review', 'initial_review', 'credit_check'],
        [8, 'application.return', 'credit_check', 'draft'],
        [10, 'application.submit', 'draft', 'initial_review'],
        [15, 'application.complete_review', 'initial_review', 'credit_check'],
        [19, 'application.assess_risk', 'credit_check', 'approval_pending'],
        [20, 'application.reject', 'approval_pending', 'rejected'],
      ]);
      await insertChanges(d3, unitD, managerD, base, [
        [0, 'application.submit', 'draft', 'submitted'],
        [4, 'application.assign_reviewer', 'submitted', 'initial_review'],
        [5, 'application.complete_review', 'initial_review', 'credit_check'],
      ]);
      oldSubmit = Date.now() - 200 * DAY;
      await insertChanges(d4, unitD, officerD, oldSubmit, [
        [0, 'application.submit', 'draft', 'submitted'],
        [3, 'application.withdraw', 'submitted', 'withdrawn'],
      ]);
    });

    it('computes median and p90 per stage over crafted visits, for every role in scope', async () => {
      for (const actor of [managerD, officerD, viewerD]) {
        const body = await turnaround(actor);
        expect(figures(body)).toEqual(BRANCH_D);
        expect(body.branch_id).toBeNull();
        expect(body.date_to >= dayOf(Date.now() - DAY)).toBe(true);
      }
      expect(figures(await turnaround(admin, { branch_id: unitD.branchId }))).toEqual(BRANCH_D);
    });

    it('defaults to the 90 days that end today, and applies the dates to the end of a visit', async () => {
      const body = await turnaround(managerD);
      const from = new Date(`${body.date_from}T00:00:00Z`).getTime();
      const to = new Date(`${body.date_to}T00:00:00Z`).getTime();
      expect((to - from) / DAY).toBe(89);
      // Ending two days after the old visit: only it (its submitted 3 h) is in the period.
      const old = await turnaround(managerD, { date_to: dayOf(oldSubmit + 2 * DAY) });
      expect(old.stages[0]).toMatchObject({ count: 1, median_hours: 3, p90_hours: 3 });
      for (const stage of old.stages.slice(1)) {
        expect(stage).toMatchObject({ count: 0, median_hours: null, p90_hours: null });
      }
      expect(old.end_to_end).toMatchObject({ count: 0, median_hours: null, p90_hours: null });
      // From before it to today: the three visits of submitted.
      const long = await turnaround(managerD, { date_from: dayOf(oldSubmit - 2 * DAY) });
      expect(long.stages[0]).toMatchObject({ count: 3, median_hours: 3, p90_hours: 3.8 });
      expect(long.date_from).toBe(dayOf(oldSubmit - 2 * DAY));
    });

    it('counts only the real transitions of the scope: no other branch', async () => {
      // a1: initial_review, credit_check, approval_pending left, approved open; a2: initial_review
      // left by the reject. Both decided seconds after their submit.
      const branchA = await turnaround(managerA);
      const counts = (body: Json) =>
        [...body.stages, body.end_to_end].map((stage: Json) => [stage.count, stage.open]);
      expect(counts(branchA)).toEqual([
        [0, 0],
        [2, 0],
        [1, 0],
        [1, 0],
        [0, 1],
        [2, 0],
      ]);
      expect(counts(await turnaround(officerA))).toEqual(counts(branchA));
      expect(counts(await turnaround(officerB))).toEqual([
        [0, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [0, 1],
        [1, 0],
      ]);
      expect(counts(await turnaround(newcomer))).toEqual(STAGES.concat('e2e').map(() => [0, 0]));
    });

    it('leaves out the visits of a deleted application, for every caller', async () => {
      const before = (await turnaround(admin)).stages[0].count;
      const [d5] = await insertApplications(t, 1, {
        userId: officerD.user.id,
        branchId: unitD.branchId,
        departmentId: unitD.departmentId,
      });
      await insertChanges(d5, unitD, managerD, Date.now() - 10 * DAY, [
        [0, 'application.submit', 'draft', 'submitted'],
        [1, 'application.return', 'submitted', 'draft'],
      ]);
      expect((await turnaround(admin)).stages[0].count).toBe(before + 1);
      expect((await turnaround(managerD)).stages[0]).toMatchObject({ count: 3, median_hours: 2 });
      expectStatus(await requestsAs(t, officerD).delete(`/applications/${d5}`), 204);
      expect((await turnaround(admin)).stages[0].count).toBe(before);
      expect(figures(await turnaround(managerD))).toEqual(BRANCH_D);
      expect(figures(await turnaround(admin, { branch_id: unitD.branchId }))).toEqual(BRANCH_D);
    });

    it('gives empty figures for a branch outside the scope, as the lists do', async () => {
      const body = await turnaround(managerA, { branch_id: unitD.branchId });
      expect(body.branch_id).toBe(unitD.branchId);
      for (const stage of [...body.stages, body.end_to_end]) {
        expect(stage).toMatchObject({ count: 0, open: 0, median_hours: null, p90_hours: null });
      }
      const unknown = await turnaround(admin, { branch_id: randomUUID() });
      expect(unknown.end_to_end).toEqual({
        count: 0,
        open: 0,
        median_hours: null,
        p90_hours: null,
      });
    });
  });
});
