import type { Role } from '../../common/auth/permissions';
import type { ApplicationStatus } from '../../enums/code-enums';
import {
  APPLICATION_ACTIONS,
  allowedActions,
  type ApplicationAction,
  type ApprovalLimits,
  checkApprovalAuthority,
  displayNameOf,
  EDITABLE_STATUSES,
  illegalTransitionDetail,
  type LifecycleActor,
  type LifecycleFacts,
  leastBusyReviewer,
  loanStatusOf,
  mayPerform,
  nextStatus,
  type ReviewerCandidate,
  OPEN_REVIEW_STATUSES,
  segregatedIds,
  statusColorOf,
  TERMINAL_STATUSES,
  withSubmitter,
} from './application-lifecycle';

/**
 * SPEC §6 written out by hand: for each status, the legal actions and where they lead.
 * Never derive this from the module's table: a test that reads the table under test cannot fail.
 */
const STATUSES: ApplicationStatus[] = [
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

const ACTIONS: ApplicationAction[] = [
  'submit',
  'assign_reviewer',
  'complete_review',
  'assess_risk',
  'approve',
  'reject',
  'return',
  'withdraw',
  'disburse',
  'complete',
  'priority',
];

const LEGAL: Record<ApplicationStatus, Partial<Record<ApplicationAction, ApplicationStatus>>> = {
  draft: { submit: 'submitted', withdraw: 'withdrawn', priority: 'draft' },
  submitted: {
    assign_reviewer: 'initial_review',
    reject: 'rejected',
    return: 'draft',
    withdraw: 'withdrawn',
    priority: 'submitted',
  },
  initial_review: {
    assign_reviewer: 'initial_review',
    complete_review: 'credit_check',
    reject: 'rejected',
    return: 'draft',
    withdraw: 'withdrawn',
    priority: 'initial_review',
  },
  credit_check: {
    assign_reviewer: 'credit_check',
    assess_risk: 'approval_pending',
    reject: 'rejected',
    return: 'draft',
    withdraw: 'withdrawn',
    priority: 'credit_check',
  },
  approval_pending: {
    assign_reviewer: 'approval_pending',
    approve: 'approved',
    reject: 'rejected',
    return: 'draft',
    withdraw: 'withdrawn',
    priority: 'approval_pending',
  },
  approved: { disburse: 'disbursed', priority: 'approved' },
  rejected: {},
  disbursed: { complete: 'completed', priority: 'disbursed' },
  completed: {},
  withdrawn: {},
};

const pairs = STATUSES.flatMap((status) => ACTIONS.map((action) => [status, action] as const));
const legal = pairs
  .filter(([status, action]) => LEGAL[status][action] !== undefined)
  .map(([status, action]) => [status, action, LEGAL[status][action]] as const);
const illegal = pairs.filter(([status, action]) => LEGAL[status][action] === undefined);

describe('application lifecycle (SPEC §6)', () => {
  it('knows exactly the eleven actions, in their display order', () => {
    expect([...APPLICATION_ACTIONS]).toEqual(ACTIONS);
  });

  it('has a hand-written row for every status', () => {
    expect(STATUSES).toHaveLength(10);
  });

  it.each(legal)('%s --%s--> %s', (status, action, to) => {
    expect(nextStatus(status, action)).toBe(to);
  });

  it.each(illegal)('%s: %s is illegal', (status, action) => {
    expect(nextStatus(status, action)).toBeNull();
  });

  it('counts the transitions: 30 legal of 110', () => {
    expect(legal).toHaveLength(30);
    expect(illegal).toHaveLength(80);
  });

  it('treats values that slipped past the types as illegal, not as prototype keys', () => {
    expect(nextStatus('constructor' as ApplicationStatus, 'submit')).toBeNull();
    expect(nextStatus('draft', 'toString' as ApplicationAction)).toBeNull();
  });

  it.each<[ApplicationStatus, ApplicationAction[]]>([
    ['draft', ['submit', 'withdraw', 'priority']],
    ['submitted', ['assign_reviewer', 'reject', 'return', 'withdraw', 'priority']],
    [
      'initial_review',
      ['assign_reviewer', 'complete_review', 'reject', 'return', 'withdraw', 'priority'],
    ],
    [
      'credit_check',
      ['assign_reviewer', 'assess_risk', 'reject', 'return', 'withdraw', 'priority'],
    ],
    [
      'approval_pending',
      ['assign_reviewer', 'approve', 'reject', 'return', 'withdraw', 'priority'],
    ],
    ['approved', ['disburse', 'priority']],
    ['rejected', []],
    ['disbursed', ['complete', 'priority']],
    ['completed', []],
    ['withdrawn', []],
  ])('allows in %s: %j', (status, actions) => {
    expect(allowedActions(status)).toEqual(actions);
  });

  it('names the status groups', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['completed', 'rejected', 'withdrawn']);
    expect([...OPEN_REVIEW_STATUSES]).toEqual([
      'initial_review',
      'credit_check',
      'approval_pending',
    ]);
    expect([...EDITABLE_STATUSES]).toEqual(['draft']);
  });
});

describe('illegalTransitionDetail', () => {
  it.each<[ApplicationStatus, ApplicationAction, string]>([
    [
      'draft',
      'approve',
      'Cannot approve an application in status "draft"; allowed actions: submit, withdraw, priority.',
    ],
    [
      'approved',
      'assign_reviewer',
      'Cannot assign a reviewer to an application in status "approved"; allowed actions: disburse, priority.',
    ],
    [
      'draft',
      'complete_review',
      'Cannot complete the review of an application in status "draft"; allowed actions: submit, withdraw, priority.',
    ],
    [
      'submitted',
      'assess_risk',
      'Cannot assess the risk of an application in status "submitted"; allowed actions: assign_reviewer, reject, return, withdraw, priority.',
    ],
    [
      'completed',
      'priority',
      'Cannot change the priority of an application in status "completed"; no action is allowed.',
    ],
    [
      'withdrawn',
      'submit',
      'Cannot submit an application in status "withdrawn"; no action is allowed.',
    ],
  ])('%s + %s', (status, action, detail) => {
    expect(illegalTransitionDetail(status, action)).toBe(detail);
  });
});

describe('mayPerform (SPEC §4)', () => {
  const CREATOR = 'u-creator';
  const REVIEWER = 'u-reviewer';
  const facts: LifecycleFacts = {
    userId: CREATOR,
    assignedReviewer: REVIEWER,
    segregated: [CREATOR],
  };

  const actors = {
    owner: { id: CREATOR, role: 'officer' },
    otherOfficer: { id: 'u-officer', role: 'officer' },
    manager: { id: 'u-manager', role: 'manager' },
    admin: { id: 'u-admin', role: 'admin' },
    reviewer: { id: REVIEWER, role: 'manager' },
    viewerOwner: { id: CREATOR, role: 'viewer' },
  } satisfies Record<string, LifecycleActor>;
  type ActorName = keyof typeof actors;
  const COLUMNS: ActorName[] = [
    'owner',
    'otherOfficer',
    'manager',
    'admin',
    'reviewer',
    'viewerOwner',
  ];

  /** Hand-written, one column per actor above. */
  const Y = true;
  const N = false;
  const EXPECTED: Record<
    ApplicationAction,
    [boolean, boolean, boolean, boolean, boolean, boolean]
  > = {
    submit: [Y, N, Y, Y, Y, N],
    assign_reviewer: [N, N, Y, Y, Y, N],
    complete_review: [N, N, N, Y, Y, N],
    assess_risk: [N, N, N, Y, Y, N],
    approve: [N, N, Y, Y, Y, N],
    reject: [N, N, Y, Y, Y, N],
    return: [N, N, Y, Y, Y, N],
    withdraw: [Y, N, Y, Y, Y, N],
    disburse: [N, N, Y, Y, Y, N],
    complete: [N, N, Y, Y, Y, N],
    priority: [N, N, Y, Y, Y, N],
  };

  it('has a hand-written row for every action', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
  });

  const cases = ACTIONS.flatMap((action) =>
    COLUMNS.map((name, column) => [action, name, EXPECTED[action][column]] as const),
  );

  it.each(cases)('%s by %s: %s', (action, name, expected) => {
    const check = mayPerform(action, actors[name], facts);
    expect(check.ok).toBe(expected);
    if (!check.ok) expect(check.detail).toEqual(expect.any(String));
  });

  it.each<[string, LifecycleActor, LifecycleFacts]>([
    ['admin owner', { id: 'a1', role: 'admin' }, { ...facts, userId: 'a1', segregated: ['x'] }],
    ['admin submitter', { id: 'a1', role: 'admin' }, { ...facts, segregated: [CREATOR, 'a1'] }],
    ['manager owner', { id: 'm1', role: 'manager' }, { ...facts, userId: 'm1' }],
    ['manager submitter', { id: 'm1', role: 'manager' }, { ...facts, segregated: ['m1'] }],
    [
      'manager who created it before a reassign',
      { id: 'm1', role: 'manager' },
      { ...facts, userId: 'o2', segregated: ['m1', 'o2'] },
    ],
    [
      'manager who is also the assigned reviewer and the creator',
      { id: 'm1', role: 'manager' },
      { userId: 'm1', assignedReviewer: 'm1', segregated: ['m1'] },
    ],
  ])('refuses approval by the %s (segregation of duties)', (_name, actor, sodFacts) => {
    expect(mayPerform('approve', actor, sodFacts)).toEqual({
      ok: false,
      detail:
        'You created or submitted this application, so you cannot approve it (segregation of duties).',
    });
  });

  it('lets the creator who is a manager do everything else a manager may', () => {
    const creatorManager: LifecycleActor = { id: 'm1', role: 'manager' };
    const own: LifecycleFacts = { userId: 'm1', assignedReviewer: null, segregated: ['m1'] };
    expect(mayPerform('reject', creatorManager, own).ok).toBe(true);
    expect(mayPerform('withdraw', creatorManager, own).ok).toBe(true);
  });

  it('lets no one but an admin complete a review that has no reviewer yet', () => {
    const unassigned: LifecycleFacts = { ...facts, assignedReviewer: null };
    expect(mayPerform('complete_review', actors.manager, unassigned).ok).toBe(false);
    expect(mayPerform('complete_review', actors.admin, unassigned).ok).toBe(true);
  });

  it.each<[ApplicationAction, ActorName, string]>([
    ['approve', 'viewerOwner', 'Viewers cannot act on applications.'],
    [
      'submit',
      'otherOfficer',
      "Only the application's owner, a manager or an admin may submit this application.",
    ],
    [
      'complete_review',
      'manager',
      'Only the assigned reviewer or an admin may complete the review of this application.',
    ],
    ['approve', 'owner', 'Only a manager or an admin may approve this application.'],
    [
      'assign_reviewer',
      'owner',
      'Only a manager or an admin may assign a reviewer to this application.',
    ],
  ])('explains a refusal of %s by %s', (action, name, detail) => {
    expect(mayPerform(action, actors[name], facts)).toEqual({ ok: false, detail });
  });
});

describe('segregation of duties: segregatedIds and withSubmitter (SPEC §4)', () => {
  it('excludes the creator, the owner, the last submitter and every earlier submitter', () => {
    expect(
      segregatedIds({
        createdBy: 'creator',
        userId: 'successor',
        submittedBy: 'officer',
        submitterIds: ['manager', 'officer'],
      }),
    ).toEqual(['creator', 'successor', 'officer', 'manager']);
  });

  it('counts the owner as the creator on a row written without created_by, and no one twice', () => {
    expect(
      segregatedIds({ createdBy: null, userId: 'o1', submittedBy: null, submitterIds: [] }),
    ).toEqual(['o1']);
    expect(
      segregatedIds({ createdBy: 'o1', userId: 'o1', submittedBy: 'o1', submitterIds: ['o1'] }),
    ).toEqual(['o1']);
  });

  it('keeps the submitter of a row whose submitter_ids missed them (seeded rows)', () => {
    expect(
      segregatedIds({ createdBy: 'o1', userId: 'o1', submittedBy: 'm1', submitterIds: [] }),
    ).toEqual(['o1', 'm1']);
  });

  it('appends a new submitter once and never drops an earlier one', () => {
    const first = withSubmitter([], 'm1');
    expect(first).toEqual(['m1']);
    const second = withSubmitter(first, 'o1');
    expect(second).toEqual(['m1', 'o1']);
    expect(withSubmitter(second, 'm1')).toEqual(['m1', 'o1']);
    expect(first).toEqual(['m1']);
  });

  it('refuses approval to each of them after a return, a resubmission and a reassign', () => {
    // Officer o1 created it, manager m1 submitted, it was returned, o1 resubmitted, and a
    // reassign gave it to o2.
    const row = {
      createdBy: 'o1',
      userId: 'o2',
      submittedBy: 'o1',
      submitterIds: ['m1', 'o1'],
    };
    const facts: LifecycleFacts = {
      userId: row.userId,
      assignedReviewer: 'm2',
      segregated: segregatedIds(row),
    };
    for (const id of ['o1', 'o2', 'm1']) {
      expect(mayPerform('approve', { id, role: 'manager' }, facts).ok).toBe(false);
    }
    expect(mayPerform('approve', { id: 'm2', role: 'manager' }, facts).ok).toBe(true);
  });
});

describe('checkApprovalAuthority', () => {
  const limits: ApprovalLimits = {
    admin: { USD: null, KHR: null },
    manager: { USD: 10000, KHR: 41000000 },
    officer: {},
  };

  it('lets an unlimited role approve any amount', () => {
    expect(checkApprovalAuthority(limits, 'admin', 'USD', '999999999999.99')).toEqual({
      ok: true,
    });
  });

  it('refuses a role without an entry', () => {
    expect(checkApprovalAuthority(limits, 'viewer', 'USD', '1.00')).toEqual({
      ok: false,
      detail:
        'Your role (viewer) has no approval authority; someone with approval authority must approve it.',
      limit: null,
    });
  });

  it.each<[Role, string]>([
    ['officer', 'USD'],
    ['manager', 'EUR'],
    ['admin', 'EUR'],
    ['manager', 'constructor'],
  ])('refuses %s in a currency without an entry (%s)', (role, currency) => {
    expect(checkApprovalAuthority(limits, role, currency, '1.00')).toEqual({
      ok: false,
      detail: `Your role (${role}) has no approval authority in ${currency}; someone with approval authority in ${currency} must approve it.`,
      limit: null,
    });
  });

  it.each(['0.01', '9999.99', '10000', '10000.00'])('lets a manager approve %s USD', (amount) => {
    expect(checkApprovalAuthority(limits, 'manager', 'USD', amount)).toEqual({ ok: true });
  });

  it('refuses one cent above the limit', () => {
    expect(checkApprovalAuthority(limits, 'manager', 'USD', '10000.01')).toEqual({
      ok: false,
      detail:
        'Approving 10000.01 USD exceeds your approval limit of 10000.00 USD; someone with a higher limit must approve it.',
      limit: '10000.00',
    });
  });

  it('explains the refusal with both amounts', () => {
    expect(checkApprovalAuthority(limits, 'manager', 'USD', '12000.50')).toEqual({
      ok: false,
      detail:
        'Approving 12000.50 USD exceeds your approval limit of 10000.00 USD; someone with a higher limit must approve it.',
      limit: '10000.00',
    });
  });

  it('applies the KHR limit in KHR', () => {
    expect(checkApprovalAuthority(limits, 'manager', 'KHR', '41000000')).toEqual({ ok: true });
    expect(checkApprovalAuthority(limits, 'manager', 'KHR', '41000000.01')).toMatchObject({
      ok: false,
      limit: '41000000.00',
    });
    // Above the USD figure but far within the KHR limit: each currency has its own limit.
    expect(checkApprovalAuthority(limits, 'manager', 'KHR', '20000')).toEqual({ ok: true });
  });

  it('compares exactly where floats would not', () => {
    // As doubles both are 2^53 - 1, so a parseFloat comparison would let this through.
    const big: ApprovalLimits = { manager: { USD: 9007199254740991 } };
    expect(checkApprovalAuthority(big, 'manager', 'USD', '9007199254740991.01').ok).toBe(false);
    // 0.1 + 0.2 is 0.30000000000000004 as a double; the limit is read as the decimal 0.3.
    const small: ApprovalLimits = { manager: { USD: 0.3 } };
    expect(checkApprovalAuthority(small, 'manager', 'USD', '0.30')).toEqual({ ok: true });
  });

  it('shows every decimal the amount has rather than rounding it', () => {
    const check = checkApprovalAuthority(limits, 'manager', 'USD', '10000.005');
    expect(check).toMatchObject({
      ok: false,
      detail: expect.stringContaining('Approving 10000.005 USD') as unknown,
    });
  });

  it('grants nothing for a malformed limit', () => {
    const broken = { manager: { USD: Number.NaN } } as ApprovalLimits;
    expect(checkApprovalAuthority(broken, 'manager', 'USD', '1.00').ok).toBe(false);
  });

  it.each(['', 'abc', '1e5', '12,000.50', ' 1.00', 'Infinity'])(
    'throws on an amount that is not a decimal string (%j)',
    (amount) => {
      expect(() => checkApprovalAuthority(limits, 'admin', 'USD', amount)).toThrow(
        'Not a decimal amount',
      );
    },
  );
});

describe('derived views', () => {
  it.each<[ApplicationStatus, string, string]>([
    ['draft', 'draft', 'gray'],
    ['submitted', 'draft', 'yellow'],
    ['initial_review', 'draft', 'yellow'],
    ['credit_check', 'draft', 'yellow'],
    ['approval_pending', 'draft', 'yellow'],
    ['approved', 'active', 'blue'],
    ['rejected', 'draft', 'red'],
    ['disbursed', 'disbursed', 'green'],
    ['completed', 'completed', 'gray'],
    ['withdrawn', 'draft', 'red'],
  ])('%s: loan status %s, colour %s', (status, loanStatus, color) => {
    expect(loanStatusOf(status)).toBe(loanStatus);
    expect(statusColorOf(status)).toBe(color);
  });

  it.each<[Parameters<typeof displayNameOf>[0], string]>([
    [{ full_name_latin: 'Sok Dara', full_name_khmer: 'សុខ ដារា', id_number: '123' }, 'Sok Dara'],
    [{ full_name_latin: null, full_name_khmer: 'សុខ ដារា', id_number: '123' }, 'សុខ ដារា'],
    [{ full_name_latin: '   ', full_name_khmer: 'សុខ ដារា' }, 'សុខ ដារា'],
    [{ full_name_latin: '', full_name_khmer: '', id_number: '123' }, 'Customer 123'],
    [{ id_number: '  ' }, 'Customer Unknown'],
    [{}, 'Customer Unknown'],
  ])('displays %j as %j', (customer, name) => {
    expect(displayNameOf(customer)).toBe(name);
  });
});

describe('auto-assignment: leastBusyReviewer (SPEC §6)', () => {
  const application = { branchId: 'b1', departmentId: 'd1' };
  const candidate = (id: string, over: Partial<ReviewerCandidate> = {}): ReviewerCandidate => ({
    id,
    branchId: 'b9',
    departmentId: 'd9',
    open: 0,
    lastAssignedAt: null,
    ...over,
  });

  it('prefers the branch, then the department, then anyone', () => {
    const anyone = candidate('m1');
    const department = candidate('m2', { departmentId: 'd1', open: 5 });
    const branch = candidate('m3', { branchId: 'b1', open: 9 });
    expect(leastBusyReviewer([anyone, department, branch], application)).toBe('m3');
    expect(leastBusyReviewer([anyone, department], application)).toBe('m2');
    expect(leastBusyReviewer([anyone], application)).toBe('m1');
  });

  it('matches no place on an application without branch or department', () => {
    const a = candidate('m2', { branchId: null, departmentId: null, open: 1 });
    const b = candidate('m1', { open: 0 });
    expect(leastBusyReviewer([a, b], { branchId: null, departmentId: null })).toBe('m1');
  });

  it('then the fewest open assignments, the least recently assigned (never first), the id', () => {
    const at = (iso: string) => new Date(iso);
    expect(
      leastBusyReviewer(
        [
          candidate('m1', { open: 2 }),
          candidate('m2', { open: 1, lastAssignedAt: at('2026-01-02') }),
        ],
        application,
      ),
    ).toBe('m2');
    expect(
      leastBusyReviewer(
        [
          candidate('m1', { lastAssignedAt: at('2026-01-02') }),
          candidate('m2', { lastAssignedAt: at('2026-01-01') }),
          candidate('m3', { lastAssignedAt: null }),
        ],
        application,
      ),
    ).toBe('m3');
    expect(leastBusyReviewer([candidate('m2'), candidate('m1')], application)).toBe('m1');
  });

  it('has none without candidates', () => {
    expect(leastBusyReviewer([], application)).toBeNull();
  });
});
