/**
 * The demo seed (`npm run seed:demo`, src/seed/demo-seed.ts) against a real database: what it
 * reports is what it wrote, every application agrees with its officer and its status, id
 * numbers are real ciphertext, the demo users can sign in, and it can run twice.
 */
import {
  APPLICATION_ACTIONS,
  type ApplicationAction,
  nextStatus,
} from '../../src/applications/lifecycle/application-lifecycle';
import { PasswordHasher } from '../../src/credentials/password-hasher';
import type { ApplicationStatus } from '../../src/enums/code-enums';
import { DEFAULT_FOLDERS } from '../../src/folders/folder.entity';
import { FieldCipher } from '../../src/common/crypto/field-cipher';
import { ID_NUMBER_PATTERN } from '../../src/seed/demo-population';
import {
  assertMaySeed,
  DEMO_PASSWORD,
  type DemoSeedResult,
  describeDemoSeed,
  parseDemoSeedArgs,
  seedDemo,
} from '../../src/seed/demo-seed';
import { DEFAULT_CATALOGS } from '../../src/settings/settings-registry';
import { createTestApp, type TestApp } from '../harness/test-app';

describe('Demo seed', () => {
  let t: TestApp;
  let cipher: FieldCipher;
  let seeded: DemoSeedResult;
  const log: string[] = [];

  const seed = (applications: number) =>
    seedDemo(
      {
        dataSource: t.dataSource,
        cipher,
        hashPassword: (password) => t.app.get(PasswordHasher).hash(password),
        log: (line) => log.push(line),
      },
      { applications, branches: 10, seed: 7 },
    );

  /** Rows of this run: their creator's username carries the run's tag. */
  const ofRun = (alias: string, column = 'user_id') =>
    `${alias}.${column} IN (SELECT id FROM users WHERE username LIKE 'demo-' || $1 || '-%')`;

  async function count(sql: string, params: unknown[] = [seeded.tag]): Promise<number> {
    const [row] = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM (${sql}) AS q`,
      params,
    )) as {
      n: number;
    }[];
    return row.n;
  }

  beforeAll(async () => {
    t = await createTestApp();
    cipher = t.app.get(FieldCipher);
    seeded = await seed(300);
  });
  afterAll(() => t?.close());

  it('writes the organisation, customers, applications and folders it reports', async () => {
    expect(seeded).toMatchObject({ applications: 300, customers: 200, folders: 900 });
    const roles = (await t.dataSource.query(
      `SELECT role, count(*)::int AS n FROM users u WHERE username LIKE 'demo-' || $1 || '-%'
       GROUP BY role`,
      [seeded.tag],
    )) as { role: string; n: number }[];
    const byRole = Object.fromEntries(roles.map((row) => [row.role, row.n]));
    expect(byRole).toMatchObject({ admin: 2, manager: 10, viewer: 10 });
    expect(byRole.officer).toBeGreaterThanOrEqual(40);
    expect(byRole.officer).toBeLessThanOrEqual(60);
    expect(seeded.users).toHaveLength(22 + byRole.officer);
    expect(seeded.branches).toEqual(
      expect.arrayContaining(['Phnom Penh', 'Siem Reap', 'Battambang']),
    );
    expect(
      await count(
        `SELECT 1 FROM departments WHERE name IN ('Retail Lending', 'SME Lending', 'Agriculture', 'Credit Risk')`,
        [],
      ),
    ).toBe(4);
    // Each branch is managed by its manager; employee ids are 4 digits (unique by index).
    expect(
      await count(
        `SELECT 1 FROM branches b JOIN users m ON m.id = b.manager_id
         WHERE m.role = 'manager' AND m.branch_id = b.id AND ${ofRun('b', 'manager_id')}`,
      ),
    ).toBe(10);
    expect(await count(`SELECT 1 FROM customers c WHERE ${ofRun('c', 'created_by')}`)).toBe(200);
    expect(await count(`SELECT 1 FROM customer_applications a WHERE ${ofRun('a')}`)).toBe(300);
    const folders = (await t.dataSource.query(
      `SELECT f.name, count(*)::int AS n FROM folders f JOIN customer_applications a ON a.id = f.application_id
       WHERE ${ofRun('a')} AND f.created_by = a.user_id GROUP BY f.name ORDER BY f.name`,
      [seeded.tag],
    )) as { name: string; n: number }[];
    expect(folders).toEqual([...DEFAULT_FOLDERS].sort().map((name) => ({ name, n: 300 })));
    // Every customer has one application or more, and was captured with the first.
    expect(
      await count(
        `SELECT c.id FROM customers c JOIN customer_applications a ON a.customer_id = c.id
         WHERE ${ofRun('c', 'created_by')} GROUP BY c.id HAVING min(a.created_at) >= c.created_at`,
      ),
    ).toBe(200);
    expect(describeDemoSeed(seeded)).toContain(DEMO_PASSWORD);
    expect(describeDemoSeed(seeded)).toContain(`demo-${seeded.tag}-admin1`);
    expect(log.join('\n')).toMatch(/timings: .*total/);
  });

  it('gives applications and customers the branch and department of their officer', async () => {
    expect(
      await count(
        `SELECT 1 FROM customer_applications a JOIN users u ON u.id = a.user_id
         JOIN customers c ON c.id = a.customer_id
         WHERE ${ofRun('a')} AND (u.role <> 'officer' OR u.branch_id IS NULL
           OR a.branch_id IS DISTINCT FROM u.branch_id OR a.department_id IS DISTINCT FROM u.department_id
           OR c.branch_id IS DISTINCT FROM u.branch_id OR c.created_by <> u.id
           OR a.portfolio_officer_name <> u.last_name || ' ' || u.first_name)`,
      ),
    ).toBe(0);
  });

  it('keeps timestamps, people and amounts consistent with each status', async () => {
    const statuses = (await t.dataSource.query(
      `SELECT DISTINCT status FROM customer_applications a WHERE ${ofRun('a')}`,
      [seeded.tag],
    )) as { status: string }[];
    expect(statuses).toHaveLength(10);

    const reviewStages = `('initial_review', 'credit_check', 'approval_pending', 'approved', 'disbursed', 'completed')`;
    const violations: Record<string, string> = {
      // A draft is new, or was returned to its officer (no reviewer any more).
      'a draft was never submitted, or was returned': `status = 'draft' AND (assigned_reviewer IS NOT NULL
        OR approved_at IS NOT NULL OR (submitted_at IS NOT NULL) <> EXISTS (SELECT 1 FROM audit_events e
          WHERE e.entity_id = a.id::text AND e.action = 'application.return'))`,
      'submitted by its officer': `status <> 'draft' AND withdrawn_at IS NULL
        AND (submitted_at IS NULL OR submitted_by IS DISTINCT FROM user_id OR submitted_at < created_at)`,
      'waiting for a reviewer': `status = 'submitted' AND assigned_reviewer IS NOT NULL`,
      'reviewed by a manager of the branch': `status IN ${reviewStages} AND (reviewer_assigned_at < submitted_at
        OR NOT EXISTS (SELECT 1 FROM users r WHERE r.id = assigned_reviewer AND r.role = 'manager'
          AND r.branch_id = a.branch_id))`,
      'credit check after the review': `status IN ('credit_check', 'approval_pending', 'approved', 'disbursed',
        'completed') AND (reviewed_at IS NULL OR reviewed_at < reviewer_assigned_at)`,
      'risk assessed': `status IN ('approval_pending', 'approved', 'disbursed', 'completed')
        AND (risk_assessed_at IS NULL OR risk_assessed_at < reviewed_at OR credit_score IS NULL
          OR risk_category IS NULL OR risk_breakdown IS NULL)`,
      // Returned from approval_pending and submitted again, the score stays until the next assessment.
      'assessed when (and only when) a risk assessment was recorded': `(credit_score IS NOT NULL
        OR risk_assessed_at IS NOT NULL) <> EXISTS (SELECT 1 FROM audit_events e
          WHERE e.entity_id = a.id::text AND e.action = 'application.assess_risk')`,
      'approved within the request, not by its creator': `status IN ('approved', 'disbursed', 'completed')
        AND (approved_at IS NULL OR approved_at < risk_assessed_at OR approved_by IS NULL
          OR approved_by = user_id OR loan_amount IS NULL OR loan_amount > requested_amount)`,
      'only approved loans have an approval': `status NOT IN ('approved', 'disbursed', 'completed')
        AND (approved_at IS NOT NULL OR approved_by IS NOT NULL OR loan_amount IS NOT NULL)`,
      'disbursed with loan dates': `status IN ('disbursed', 'completed') AND (disbursed_at < approved_at
        OR disbursed_at IS NULL OR loan_start_date IS NULL OR loan_end_date <= loan_start_date)`,
      'loan dates only once disbursed': `status NOT IN ('disbursed', 'completed')
        AND (disbursed_at IS NOT NULL OR loan_start_date IS NOT NULL)`,
      'completed after disbursement': `(status = 'completed') <> (completed_at IS NOT NULL)
        OR completed_at < disbursed_at`,
      'rejected with a reason': `(status = 'rejected') <> (rejected_at IS NOT NULL AND rejected_by IS NOT NULL
        AND rejection_reason IS NOT NULL)`,
      withdrawn: `(status = 'withdrawn') <> (withdrawn_at IS NOT NULL)`,
      'in the last 18 months, never in the future': `created_at < now() - interval '19 months'
        OR greatest(updated_at, submitted_at, approved_at, disbursed_at, completed_at, rejected_at,
          withdrawn_at) > now() OR updated_at < created_at`,
      'amounts in range': `NOT (currency = 'USD' AND requested_amount BETWEEN 500 AND 50000
        OR currency = 'KHR' AND requested_amount BETWEEN 2000000 AND 205000000)`,
    };
    const failures: Record<string, number> = {};
    for (const [rule, condition] of Object.entries(violations)) {
      const n = await count(
        `SELECT 1 FROM customer_applications a WHERE ${ofRun('a')} AND (${condition})`,
      );
      if (n) failures[rule] = n;
    }
    expect(failures).toEqual({});

    const values = (await t.dataSource.query(
      `SELECT array_agg(DISTINCT product_type) AS products, array_agg(DISTINCT desired_loan_term) AS terms,
         array_agg(DISTINCT currency) AS currencies, array_agg(DISTINCT priority_level) AS priorities
       FROM customer_applications a WHERE ${ofRun('a')}`,
      [seeded.tag],
    )) as { products: string[]; terms: string[]; currencies: string[]; priorities: string[] }[];
    const catalogue = (key: keyof typeof DEFAULT_CATALOGS) =>
      DEFAULT_CATALOGS[key].map((entry) => entry.value);
    for (const product of values[0].products)
      expect(catalogue('catalog.product_types')).toContain(product);
    for (const term of values[0].terms) expect(catalogue('catalog.loan_terms')).toContain(term);
    expect(values[0].currencies.sort()).toEqual(['KHR', 'USD']);
    expect(values[0].priorities).toEqual(expect.arrayContaining(['normal', 'high', 'urgent']));
  });

  it('writes the audit trail each status implies, which the timestamps agree with', async () => {
    interface EventJson {
      entity_id: string;
      occurred_at: Date;
      created_at: Date;
      actor_id: string;
      actor_name: string;
      actor_role: string;
      action: string;
      entity_type: string;
      branch_id: string | null;
      department_id: string | null;
      from_status: ApplicationStatus | null;
      to_status: ApplicationStatus;
      details: Record<string, unknown>;
    }
    const events = (await t.dataSource.query(
      `SELECT e.entity_id, e.occurred_at, e.created_at, e.actor_id, e.actor_name, e.actor_role,
              e.action, e.entity_type, e.branch_id, e.department_id, e.from_status, e.to_status, e.details
         FROM audit_events e JOIN customer_applications a ON e.entity_id = a.id::text
        WHERE ${ofRun('a')} ORDER BY e.entity_id, e.occurred_at, e.id`,
      [seeded.tag],
    )) as EventJson[];
    expect(events).toHaveLength(seeded.events);
    const applications = (await t.dataSource.query(
      `SELECT id, status, user_id, branch_id, department_id, assigned_reviewer, submitted_by,
              approved_by, rejected_by, created_at, updated_at, submitted_at, reviewer_assigned_at,
              reviewed_at, risk_assessed_at, approved_at, rejected_at, disbursed_at, completed_at,
              withdrawn_at, loan_amount::text AS loan_amount, loan_start_date::text AS loan_start_date,
              version
         FROM customer_applications a WHERE ${ofRun('a')}`,
      [seeded.tag],
    )) as Record<string, string & Date & number>[];
    const users = new Map(
      (
        (await t.dataSource.query(
          `SELECT id, username, role FROM users u WHERE username LIKE 'demo-' || $1 || '-%'`,
          [seeded.tag],
        )) as { id: string; username: string; role: string }[]
      ).map((user) => [user.id, user]),
    );
    const trails = new Map<string, EventJson[]>();
    for (const event of events)
      trails.set(event.entity_id, [...(trails.get(event.entity_id) ?? []), event]);

    const faults: string[] = [];
    const fault = (id: string, what: string) => faults.push(`${id}: ${what}`);
    const time = (value: Date | null | undefined) => (value ? new Date(value).getTime() : null);
    const actions = new Map<string, number>();
    for (const a of applications) {
      const trail = trails.get(a.id) ?? [];
      const [created, ...steps] = trail;
      if (!created || created.action !== 'application.created' || created.to_status !== 'draft') {
        fault(a.id, 'does not start with its creation');
        continue;
      }
      if (time(created.occurred_at) !== time(a.created_at) || created.actor_id !== a.user_id)
        fault(a.id, 'created at another time or by another user');
      // Each step is a legal transition from the status the previous one entered, later.
      let previous = created;
      for (const step of steps) {
        const action = step.action.replace(/^application\./, '') as ApplicationAction;
        actions.set(action, (actions.get(action) ?? 0) + 1);
        const autoAssigned = action === 'submit' && step.to_status === 'initial_review';
        if (step.from_status !== previous.to_status)
          fault(a.id, `${action} from ${step.from_status}`);
        if (!autoAssigned && nextStatus(step.from_status!, action) !== step.to_status)
          fault(a.id, `${action} to ${step.to_status}`);
        if (autoAssigned && step.details.assigned_reviewer === undefined)
          fault(a.id, 'auto-assigned to nobody');
        if (time(step.occurred_at)! <= time(previous.occurred_at)!)
          fault(a.id, `${action} not later`);
        previous = step;
      }
      // The status's entering event is the last one, when the row last changed.
      if (previous.to_status !== a.status) fault(a.id, `last event enters ${previous.to_status}`);
      if (time(previous.occurred_at) !== time(a.updated_at))
        fault(a.id, 'updated_at is not the last event');
      if (a.version !== trail.length)
        fault(a.id, `version ${a.version} after ${trail.length} events`);
      for (const event of trail) {
        const actor = users.get(event.actor_id);
        if (
          event.entity_type !== 'application' ||
          event.branch_id !== a.branch_id ||
          event.department_id !== a.department_id ||
          !actor ||
          event.actor_name !== actor.username ||
          event.actor_role !== actor.role ||
          time(event.created_at) !== time(event.occurred_at)
        )
          fault(a.id, `${event.action} has the wrong entity, unit or actor`);
      }
      // Each timestamp column is the time of the last event that sets it, by its actor.
      const last = (...names: string[]) =>
        [...steps].reverse().find((step) => names.includes(step.action));
      const lastAssignment = [...steps]
        .reverse()
        .find(
          (step) =>
            step.action === 'application.assign_reviewer' ||
            (step.action === 'application.submit' && step.to_status === 'initial_review'),
        );
      const columns: [string, EventJson | undefined, string?][] = [
        ['submitted_at', last('application.submit'), 'submitted_by'],
        ['reviewer_assigned_at', lastAssignment],
        ['reviewed_at', last('application.complete_review')],
        ['risk_assessed_at', last('application.assess_risk')],
        ['approved_at', last('application.approve'), 'approved_by'],
        ['rejected_at', last('application.reject'), 'rejected_by'],
        ['disbursed_at', last('application.disburse')],
        ['completed_at', last('application.complete')],
        ['withdrawn_at', last('application.withdraw')],
      ];
      for (const [column, event, by] of columns) {
        if (time(a[column]) !== time(event?.occurred_at))
          fault(a.id, `${column} is not its event's`);
        if (by && (a[by] ?? undefined) !== event?.actor_id) fault(a.id, `${by} is not its actor`);
      }
      const returned = last(
        'application.return',
        'application.assign_reviewer',
        'application.submit',
      );
      const reviewer = returned?.action === 'application.return' ? undefined : lastAssignment;
      if ((a.assigned_reviewer ?? undefined) !== reviewer?.details.assigned_reviewer)
        fault(a.id, 'assigned_reviewer is not the last assignment');
      const approval = last('application.approve');
      if (approval && approval.details.approved_amount !== a.loan_amount)
        fault(a.id, 'the approval recorded another amount');
      const disbursal = last('application.disburse');
      if (disbursal && disbursal.details.loan_start_date !== a.loan_start_date)
        fault(a.id, 'the disbursement recorded another start date');
    }
    expect(faults.slice(0, 10)).toEqual([]);
    // Every kind of step happened, returns and assignments by hand among them.
    for (const action of APPLICATION_ACTIONS.filter((action) => action !== 'priority'))
      expect([action, (actions.get(action) ?? 0) > 0]).toEqual([action, true]);
    expect(describeDemoSeed(seeded)).toContain(`${seeded.events} audit events`);
  });

  it('stores id numbers as ciphertext bound to their row, with their hash', async () => {
    const customers = (await t.dataSource.query(
      `SELECT id, id_number, id_number_hash FROM customers c WHERE ${ofRun('c', 'created_by')}`,
      [seeded.tag],
    )) as { id: string; id_number: string; id_number_hash: string }[];
    const plainOf = new Map<string, string>();
    for (const row of customers) {
      expect(row.id_number).toMatch(/^v1:/);
      const plain = cipher.decrypt(row.id_number, {
        table: 'customers',
        column: 'id_number',
        rowId: row.id,
      });
      expect(plain).toMatch(ID_NUMBER_PATTERN);
      expect(row.id_number_hash).toBe(cipher.blindIndex(plain));
      plainOf.set(row.id, plain);
    }
    const applications = (await t.dataSource.query(
      `SELECT id, customer_id, id_number, id_number_hash, guarantor_id_number, guarantor_id_number_hash
       FROM customer_applications a WHERE ${ofRun('a')}`,
      [seeded.tag],
    )) as Record<string, string>[];
    for (const row of applications) {
      const context = (column: string) => ({
        table: 'customer_applications',
        column,
        rowId: row.id,
      });
      const plain = cipher.decrypt(row.id_number, context('id_number'));
      expect(plain).toBe(plainOf.get(row.customer_id));
      expect(row.id_number_hash).toBe(cipher.blindIndex(plain));
      const guarantor = cipher.decrypt(row.guarantor_id_number, context('guarantor_id_number'));
      expect(guarantor).toMatch(ID_NUMBER_PATTERN);
      expect(row.guarantor_id_number_hash).toBe(cipher.blindIndex(guarantor));
    }
    // Bound to the row: the same ciphertext does not open as another row's.
    const [first, second] = applications;
    expect(() =>
      cipher.decrypt(first.id_number, {
        table: 'customer_applications',
        column: 'id_number',
        rowId: second.id,
      }),
    ).toThrow();
  });

  it('lets the demo users sign in over HTTP with the demo password', async () => {
    for (const role of ['admin', 'manager', 'officer', 'viewer']) {
      const user = seeded.users.find((candidate) => candidate.role === role)!;
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ username: user.username, password: DEMO_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        token_type: 'bearer',
        user: { username: user.username, role },
      });
    }
  });

  it('runs again into the same database, reusing the organisation', async () => {
    const branchesBefore = await count(`SELECT 1 FROM branches`, []);
    const again = await seed(30);
    expect(again.tag).not.toBe(seeded.tag);
    expect(await count(`SELECT 1 FROM branches`, [])).toBe(branchesBefore);
    expect(
      await count(`SELECT 1 FROM customer_applications a WHERE ${ofRun('a')}`, [again.tag]),
    ).toBe(30);
    // The same seed draws the same id numbers: those already taken were drawn again.
    expect(
      await count(`SELECT 1 FROM customers c WHERE ${ofRun('c', 'created_by')}`, [again.tag]),
    ).toBe(20);
  });

  it('parses its options, and refuses production unless forced', () => {
    expect(parseDemoSeedArgs([])).toEqual({
      applications: 1000,
      branches: 10,
      seed: 1,
      force: false,
    });
    expect(
      parseDemoSeedArgs(['--applications', '100000', '--branches', '3', '--seed', '42', '--force']),
    ).toEqual({ applications: 100000, branches: 3, seed: 42, force: true });
    for (const args of [
      ['--applications', '0'],
      ['--branches', 'x'],
      ['--seed', '-1'],
      ['--nope'],
    ]) {
      expect(() => parseDemoSeedArgs(args)).toThrow(/^Usage: /);
    }
    expect(() => assertMaySeed('production', false)).toThrow(/production/);
    expect(() => assertMaySeed('production', true)).not.toThrow();
    expect(() => assertMaySeed('development', false)).not.toThrow();
  });
});
