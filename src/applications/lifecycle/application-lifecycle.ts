/**
 * The application lifecycle (SPEC §6) and who may move an application along it (SPEC §4):
 * the statuses, the actions, the transitions between them, the actor rules (ownership,
 * assigned reviewer, segregation of duties) and approval authority by amount. Pure data and
 * functions, no Nest: the service checks scope first (out of scope is 404), then asks these.
 */
import { Decimal } from 'decimal.js';
import type { Role } from '../../common/auth/permissions';
import {
  APPLICATION_STATUSES,
  type ApplicationStatus,
  type LoanStatus,
  WORKFLOW_STAGES,
} from '../../enums/code-enums';

/** Every action on an application, in the order they are listed to a person. */
export const APPLICATION_ACTIONS = [
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
] as const;
export type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];

/** No action leads out of these (priority included: nothing is left to prioritise). */
export const TERMINAL_STATUSES: readonly ApplicationStatus[] = [
  'rejected',
  'withdrawn',
  'completed',
];

/** The statuses counted as a reviewer's open assignments (auto-assignment, reassign). */
export const OPEN_REVIEW_STATUSES: readonly ApplicationStatus[] = [
  'initial_review',
  'credit_check',
  'approval_pending',
];

/** Content fields may change only here; `return` brings an application back for changes. */
export const EDITABLE_STATUSES: readonly ApplicationStatus[] = ['draft'];

type Transitions = Readonly<Partial<Record<ApplicationStatus, ApplicationStatus>>>;

/** `submitted` and the review stages: where a decision (reject, return) can still be taken. */
const WORKFLOW: readonly ApplicationStatus[] = WORKFLOW_STAGES.map((stage) => stage.value);

function each(from: readonly ApplicationStatus[], to: ApplicationStatus): Transitions {
  return Object.fromEntries(from.map((status) => [status, to]));
}

function unchanged(statuses: readonly ApplicationStatus[]): Transitions {
  return Object.fromEntries(statuses.map((status) => [status, status]));
}

/** action → {from: to}. Anything not listed is illegal (409). */
const TRANSITIONS: Readonly<Record<ApplicationAction, Transitions>> = {
  submit: { draft: 'submitted' },
  // The first assignment starts the review; a reassignment later keeps the stage reached.
  assign_reviewer: { submitted: 'initial_review', ...unchanged(OPEN_REVIEW_STATUSES) },
  complete_review: { initial_review: 'credit_check' },
  assess_risk: { credit_check: 'approval_pending' },
  approve: { approval_pending: 'approved' },
  reject: each(WORKFLOW, 'rejected'),
  // There is no "returned" status: a returned application is a draft again.
  return: each(WORKFLOW, 'draft'),
  withdraw: each(['draft', ...WORKFLOW], 'withdrawn'),
  disburse: { approved: 'disbursed' },
  complete: { disbursed: 'completed' },
  priority: unchanged(
    APPLICATION_STATUSES.map((s) => s.value).filter((s) => !TERMINAL_STATUSES.includes(s)),
  ),
};

/** The status after `action`, or null when the action is not allowed in `status`. */
export function nextStatus(
  status: ApplicationStatus,
  action: ApplicationAction,
): ApplicationStatus | null {
  // hasOwn: a value that slipped past the types ("constructor") must not hit the prototype.
  if (!Object.hasOwn(TRANSITIONS, action)) return null;
  const transitions = TRANSITIONS[action];
  return Object.hasOwn(transitions, status) ? (transitions[status] ?? null) : null;
}

/** The actions allowed in `status`, in APPLICATION_ACTIONS order. */
export function allowedActions(status: ApplicationStatus): ApplicationAction[] {
  return APPLICATION_ACTIONS.filter((action) => nextStatus(status, action) !== null);
}

/** What a person reads: "Cannot <phrase> an application", "may <phrase> this application". */
const ACTION_PHRASES: Readonly<Record<ApplicationAction, string>> = {
  submit: 'submit',
  assign_reviewer: 'assign a reviewer to',
  complete_review: 'complete the review of',
  assess_risk: 'assess the risk of',
  approve: 'approve',
  reject: 'reject',
  return: 'return',
  withdraw: 'withdraw',
  disburse: 'disburse',
  complete: 'complete',
  priority: 'change the priority of',
};

/**
 * The 409 detail for an action not allowed in `status`: names the status and the actions that
 * are allowed (as APPLICATION_ACTIONS values, so a client can match them).
 */
export function illegalTransitionDetail(
  status: ApplicationStatus,
  action: ApplicationAction,
): string {
  const allowed = allowedActions(status);
  const tail = allowed.length ? `allowed actions: ${allowed.join(', ')}` : 'no action is allowed';
  return `Cannot ${ACTION_PHRASES[action]} an application in status "${status}"; ${tail}.`;
}

export interface LifecycleActor {
  id: string;
  role: Role;
}

export interface LifecycleFacts {
  /** The owner: the creator, or the officer a reassign gave the application to. */
  userId: string;
  assignedReviewer: string | null;
  /** Who may never approve nor review it (`segregatedIds`). */
  segregated: readonly string[];
}

/** The columns that remember who had a hand in an application. */
export interface SegregationColumns {
  userId: string;
  /** Set at create and never changed; null only on rows written outside the API. */
  createdBy: string | null;
  submittedBy: string | null;
  /** Everyone who ever submitted it: a return and resubmission adds, never replaces. */
  submitterIds: readonly string[];
}

/**
 * Segregation of duties (SPEC §4): whoever created it, owns it now, or ever submitted it may
 * not approve it nor be its reviewer, whatever their role. Distinct ids, in a stable order.
 */
export function segregatedIds(row: SegregationColumns): string[] {
  const ids = [row.createdBy, row.userId, row.submittedBy, ...row.submitterIds];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}

/** A reviewer's current work: open assignments, and when they were last assigned anything. */
export interface ReviewerLoad {
  /** Applications assigned to them in OPEN_REVIEW_STATUSES. */
  open: number;
  /** Null when they were never assigned one. */
  lastAssignedAt: Date | null;
}

/** A manager who could review an application, where they work, and their load. */
export interface ReviewerCandidate extends ReviewerLoad {
  id: string;
  branchId: string | null;
  departmentId: string | null;
}

/**
 * The auto-assigned reviewer (SPEC §6) among `candidates` (active managers who had no hand in
 * the application): of its branch, else of its department, else any; the fewest open
 * assignments; ties to the one assigned least recently (never assigned first), then by id.
 * Null when there is no candidate.
 */
export function leastBusyReviewer(
  candidates: readonly ReviewerCandidate[],
  application: { branchId: string | null; departmentId: string | null },
): string | null {
  const place = (candidate: ReviewerCandidate) => {
    if (application.branchId !== null && candidate.branchId === application.branchId) return 0;
    if (application.departmentId !== null && candidate.departmentId === application.departmentId)
      return 1;
    return 2;
  };
  const lastAssigned = (candidate: ReviewerCandidate) =>
    candidate.lastAssignedAt?.getTime() ?? -Infinity;
  const [first] = [...candidates].sort(
    (a, b) =>
      place(a) - place(b) ||
      a.open - b.open ||
      lastAssigned(a) - lastAssigned(b) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return first?.id ?? null;
}

/** The submitters after `submitterId` submits (appended once, earlier ones kept). */
export function withSubmitter(submitterIds: readonly string[], submitterId: string): string[] {
  return submitterIds.includes(submitterId) ? [...submitterIds] : [...submitterIds, submitterId];
}

export type ActorCheck = { ok: true } | { ok: false; detail: string };

const ALLOWED: ActorCheck = { ok: true };

function refused(detail: string): ActorCheck {
  return { ok: false, detail };
}

/**
 * Whether `actor` may perform `action` on an application (SPEC §4), scope already checked by
 * the caller: "manager/admin in scope" is therefore just the role here.
 */
export function mayPerform(
  action: ApplicationAction,
  actor: LifecycleActor,
  facts: LifecycleFacts,
): ActorCheck {
  // Checked before ownership: a viewer is read-only even on a row they somehow own.
  if (actor.role === 'viewer') return refused('Viewers cannot act on applications.');
  const manages = actor.role === 'manager' || actor.role === 'admin';
  const phrase = ACTION_PHRASES[action];
  switch (action) {
    case 'submit':
    case 'withdraw':
      return actor.id === facts.userId || manages
        ? ALLOWED
        : refused(
            `Only the application's owner, a manager or an admin may ${phrase} this application.`,
          );
    case 'complete_review':
    case 'assess_risk':
      return actor.id === facts.assignedReviewer || actor.role === 'admin'
        ? ALLOWED
        : refused(`Only the assigned reviewer or an admin may ${phrase} this application.`);
    case 'approve':
      if (!manages) return refused(`Only a manager or an admin may ${phrase} this application.`);
      // Segregation of duties binds every role, admins included.
      if (actor.id === facts.userId || facts.segregated.includes(actor.id)) {
        return refused(
          'You created or submitted this application, so you cannot approve it ' +
            '(segregation of duties).',
        );
      }
      return ALLOWED;
    case 'assign_reviewer':
    case 'reject':
    case 'return':
    case 'disburse':
    case 'complete':
    case 'priority':
      return manages
        ? ALLOWED
        : refused(`Only a manager or an admin may ${phrase} this application.`);
  }
}

/** The `approval_limits` setting: {role: {currency: amount, or null for unlimited}}. */
export type ApprovalLimits = Record<string, Record<string, number | null>>;

/** `limit` is the refused approver's limit as a decimal string, null when they have none. */
export type AuthorityCheck = { ok: true } | { ok: false; detail: string; limit: string | null };

const DECIMAL_AMOUNT = /^-?\d+(\.\d+)?$/;

/** At least two decimals, and never fewer than the value has (rounding could mislead). */
function formatAmount(value: Decimal): string {
  return value.toFixed(Math.max(2, value.decimalPlaces()));
}

/**
 * Whether `role` may approve `amount` in `currency`. Deny by default: a role or currency
 * without an entry has no authority. Amounts are compared as exact decimals, never floats.
 * Throws on an amount that is not a plain decimal string (a bug upstream, not a refusal).
 */
export function checkApprovalAuthority(
  limits: ApprovalLimits,
  role: Role,
  currency: string,
  amount: string,
): AuthorityCheck {
  if (!DECIMAL_AMOUNT.test(amount)) throw new Error(`Not a decimal amount: "${amount}"`);
  const byCurrency = Object.hasOwn(limits, role) ? limits[role] : undefined;
  if (!byCurrency) {
    return {
      ok: false,
      detail: `Your role (${role}) has no approval authority; someone with approval authority must approve it.`,
      limit: null,
    };
  }
  const limit = Object.hasOwn(byCurrency, currency) ? byCurrency[currency] : undefined;
  if (limit === null) return { ok: true };
  // A malformed limit in the settings grants nothing rather than everything.
  if (typeof limit !== 'number' || !Number.isFinite(limit)) {
    return {
      ok: false,
      detail: `Your role (${role}) has no approval authority in ${currency}; someone with approval authority in ${currency} must approve it.`,
      limit: null,
    };
  }
  const wanted = new Decimal(amount);
  // A JSON number converts through its shortest decimal form: 10000.1 stays 10000.1.
  const allowed = new Decimal(limit);
  if (wanted.lessThanOrEqualTo(allowed)) return { ok: true };
  const shownLimit = formatAmount(allowed);
  return {
    ok: false,
    detail: `Approving ${formatAmount(wanted)} ${currency} exceeds your approval limit of ${shownLimit} ${currency}; someone with a higher limit must approve it.`,
    limit: shownLimit,
  };
}

/** The loan status derived from the application status (`defaulted` is set by servicing). */
const LOAN_STATUS_OF: Readonly<Record<ApplicationStatus, Exclude<LoanStatus, 'defaulted'>>> = {
  draft: 'draft',
  submitted: 'draft',
  initial_review: 'draft',
  credit_check: 'draft',
  approval_pending: 'draft',
  approved: 'active',
  rejected: 'draft',
  disbursed: 'disbursed',
  completed: 'completed',
  withdrawn: 'draft',
};

export function loanStatusOf(status: ApplicationStatus): Exclude<LoanStatus, 'defaulted'> {
  return LOAN_STATUS_OF[status];
}

export type StatusColor = 'red' | 'green' | 'blue' | 'gray' | 'yellow';

/** `status_color` of the list rows: yellow while the institution has it, red when it stopped. */
const STATUS_COLORS: Readonly<Record<ApplicationStatus, StatusColor>> = {
  draft: 'gray',
  submitted: 'yellow',
  initial_review: 'yellow',
  credit_check: 'yellow',
  approval_pending: 'yellow',
  approved: 'blue',
  rejected: 'red',
  disbursed: 'green',
  completed: 'gray',
  withdrawn: 'red',
};

export function statusColorOf(status: ApplicationStatus): StatusColor {
  return STATUS_COLORS[status];
}

/** The name a list shows for a borrower: Latin, else Khmer, else the id number. */
export function displayNameOf(a: {
  full_name_latin?: string | null;
  full_name_khmer?: string | null;
  id_number?: string | null;
}): string {
  // Blank strings count as missing: forms send "" for an empty field.
  const present = (value: string | null | undefined) => value?.trim() || null;
  return (
    present(a.full_name_latin) ??
    present(a.full_name_khmer) ??
    `Customer ${present(a.id_number) ?? 'Unknown'}`
  );
}
