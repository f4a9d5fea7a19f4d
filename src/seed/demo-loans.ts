/**
 * Demo customers and their applications, consistent with SPEC §6: each application's
 * timestamps, reviewer, approver, amounts, loan dates and risk assessment agree with its status,
 * its figures follow from the borrower's income, and its catalogue values are the defaults
 * (`DEFAULT_CATALOGS`). Pure TypeScript, no Nest and no database: rows come out with plain id
 * numbers, which the seed encrypts.
 */
import { randomUUID } from 'node:crypto';
import { type ScorecardInput, scoreApplication } from '../applications/lifecycle/risk-scorecard';
import { loanEndDate, termInMonths } from '../applications/lifecycle/loan-term';
import type { Role } from '../common/auth/permissions';
import type { MARITAL_STATUSES } from '../customers/dto/customer-write.dto';
import type { ApplicationStatus, PriorityLevel, RiskCategory } from '../enums/code-enums';
import { DEFAULT_CATALOGS, SETTINGS, type SettingValues } from '../settings/settings-registry';
import {
  COMMUNES,
  ID_CARD_TYPES,
  idNumberFor,
  type Occupation,
  OCCUPATIONS,
  type PersonName,
  personName,
  phoneNumber,
  type Province,
  PROVINCES,
  VILLAGES,
} from './demo-population';
import type { Random } from './random';

// ---------------------------------------------------------------------------------------------
// Money and time. Money is built from integers as decimal text; never a float in a column.

/** Whole currency units as numeric(15,2) text: 2500 → "2500.00". */
export const money = (units: number): string => `${Math.round(units)}.00`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Asia/Phnom_Penh has been UTC+7 all year since 1975: calendar days need no zone database. */
const PHNOM_PENH_OFFSET = 7 * HOUR;
const MONTHS_OF_HISTORY = 18;
const HISTORY = MONTHS_OF_HISTORY * 30.4 * DAY;

const iso = (ms: number): string => new Date(ms).toISOString();
/** The calendar day in Phnom Penh of an instant. */
const dayOf = (ms: number): string => new Date(ms + PHNOM_PENH_OFFSET).toISOString().slice(0, 10);

/** 1 USD in riel, for KHR applications (amounts rounded to 100,000 riel). */
const KHR_PER_USD = 4100;

// ---------------------------------------------------------------------------------------------
// The organisation, as the loans need it

/** A user as the applications need them. */
export interface StaffMember {
  id: string;
  /** What the audit trail copies as the actor's name. */
  username: string;
  role: Role;
  fullName: string;
  branchId: string | null;
  departmentId: string | null;
}

export interface DemoBranch {
  id: string;
  name: string;
  code: string;
  province: Province;
  /** This run's managers of the branch: reviewers and approvers of its applications. */
  managers: StaffMember[];
}

// ---------------------------------------------------------------------------------------------
// Customers

export interface DemoCustomer {
  id: string;
  officer: StaffMember;
  branch: DemoBranch;
  name: PersonName;
  idCardType: string;
  /** Plain; the seed encrypts it. */
  idNumber: string;
  dateOfBirth: string;
  maritalStatus: (typeof MARITAL_STATUSES)[number];
  phone: string;
  province: string;
  district: string;
  commune: string;
  village: string;
  address: string;
  occupation: Occupation;
  employerName: string | null;
  /** Whole USD. */
  monthlyIncome: number;
  /** Set from the customer's first application. */
  createdAt: number;
}

export function generateCustomer(
  random: Random,
  officer: StaffMember,
  branch: DemoBranch,
  now: number,
): DemoCustomer {
  const name = personName(random);
  const idCardType = random.weighted(ID_CARD_TYPES);
  const place = random.chance(0.85) ? branch.province : random.pick(PROVINCES);
  const district = random.pick(place.districts);
  const commune = random.pick(COMMUNES);
  const village = random.pick(VILLAGES);
  const occupation = random.weighted(OCCUPATIONS);
  const age = random.int(21, 62);
  const born = now - age * 365.25 * DAY - random.int(0, 364) * DAY;
  return {
    id: randomUUID(),
    officer,
    branch,
    name,
    idCardType,
    idNumber: idNumberFor(random, idCardType),
    dateOfBirth: dayOf(born),
    maritalStatus: random.weighted<DemoCustomer['maritalStatus']>([
      ['married', 65],
      ['single', 25],
      ['widowed', 6],
      ['divorced', 4],
    ]),
    phone: phoneNumber(random),
    province: place.name,
    district,
    commune,
    village,
    address: `${village} village, ${commune} commune, ${district} district, ${place.name}`,
    occupation,
    employerName: occupation.employers ? random.pick(occupation.employers) : null,
    monthlyIncome: Math.round(random.logUniform(...occupation.income) / 10) * 10,
    createdAt: now,
  };
}

/** A new id number for a customer whose first one is already taken. */
export function replaceIdNumber(random: Random, customer: DemoCustomer): void {
  customer.idNumber = idNumberFor(random, customer.idCardType);
}

// ---------------------------------------------------------------------------------------------
// Applications

/** The forward path; a rejected or withdrawn application stopped somewhere along it. */
const PATH = [
  'draft',
  'submitted',
  'initial_review',
  'credit_check',
  'approval_pending',
  'approved',
  'disbursed',
  'completed',
] as const;
const stage = (status: (typeof PATH)[number]) => PATH.indexOf(status);

const STATUS_WEIGHTS: readonly (readonly [ApplicationStatus, number])[] = [
  ['draft', 16],
  ['submitted', 7],
  ['initial_review', 13],
  ['credit_check', 10],
  ['approval_pending', 10],
  ['approved', 7],
  ['rejected', 9],
  ['disbursed', 14],
  ['completed', 6],
  ['withdrawn', 8],
];
const REJECTED_AT = [
  [stage('submitted'), 10],
  [stage('initial_review'), 35],
  [stage('credit_check'), 25],
  [stage('approval_pending'), 30],
] as const;
const WITHDRAWN_AT = [
  [stage('draft'), 40],
  [stage('submitted'), 10],
  [stage('initial_review'), 25],
  [stage('credit_check'), 15],
  [stage('approval_pending'), 10],
] as const;

const PRIORITIES: readonly (readonly [PriorityLevel, number])[] = [
  ['normal', 80],
  ['high', 10],
  ['urgent', 5],
  ['low', 5],
];

const catalogValues = (key: keyof typeof DEFAULT_CATALOGS): string[] =>
  DEFAULT_CATALOGS[key].map((entry) => entry.value);
const PRODUCT_WEIGHTS: Record<string, number> = {
  monthly_loan: 60,
  biweekly_loan: 15,
  weekly_loan: 15,
  daily_loan: 10,
};
const PRODUCTS = catalogValues('catalog.product_types').map(
  (value) => [value, PRODUCT_WEIGHTS[value] ?? 5] as const,
);
/** Shortest first (`3_months` ... `36_months`). */
const TERMS = catalogValues('catalog.loan_terms');
const PURPOSES = catalogValues('catalog.loan_purposes');
const PURPOSE_DETAILS: Record<string, string> = {
  commerce: 'Stock for the shop and the market stall before the holidays',
  agriculture: 'Seeds, fertiliser and hired labour for the wet-season rice crop',
  education: "Tuition fees for a child's university studies",
  housing: 'Repair the roof and add a room to the house',
  vehicle: 'A motorbike for deliveries',
  medical: 'Hospital costs for a family member',
  other: 'Family ceremony (wedding)',
};
const INTEREST_RATES = ['12.00', '13.50', '15.00', '16.80', '18.00'];
const LENDERS = [
  'ACLEDA Bank',
  'PRASAC Microfinance',
  'AMK Microfinance',
  'Hattha Bank',
  'Sathapana Bank',
  'LOLC Cambodia',
  'Village savings group',
];
const COLLATERALS = [
  ['land', 'Residential land, hard title'],
  ['land', 'Rice field, soft title'],
  ['house', 'Wooden house on stilts'],
  ['house', 'Concrete shophouse'],
  ['motorbike', 'Honda Dream 125, registration card'],
  ['vehicle', 'Toyota Camry 2007, registration card'],
] as const;
const RELATIONSHIPS = ['spouse', 'parent', 'sibling', 'child', 'relative', 'friend'];
const REJECTION_REASONS = [
  'Debt-to-income ratio too high',
  'Collateral does not cover the amount',
  'Income could not be verified',
  'Negative Credit Bureau Cambodia report',
  'Documents still incomplete after two requests',
  'Borrower no longer reachable',
];
const RETURN_REASONS = [
  'Salary slips for the last three months are missing',
  'The guarantor must sign the application form',
  'Photos of the collateral are needed',
  'The requested amount does not match the business plan',
];
const WITHDRAWAL_REASONS = [
  'The borrower found financing elsewhere',
  'The borrower no longer needs the loan',
  'The borrower postponed the project',
];
const ASSESSMENT_NOTES: Record<RiskCategory, string> = {
  low: 'Stable income and good repayment history; collateral verified on site.',
  medium: 'Acceptable capacity; follow up on other loans after disbursement.',
  high: 'Thin repayment capacity; a guarantor and collateral are essential.',
};

const RISK_WEIGHTS = SETTINGS.risk_weights.default as SettingValues['risk_weights'];
const RISK_THRESHOLDS = SETTINGS.risk_thresholds.default as SettingValues['risk_thresholds'];
/** Above these (the default `approval_limits`) a manager may not approve: an admin did. */
const MANAGER_LIMITS = (SETTINGS.approval_limits.default as SettingValues['approval_limits'])
  .manager;

/**
 * A customer_applications row as inserted, by entity property (the seed takes the columns and
 * their types from the entity); generated columns left out, times as ISO text, lists as JSON.
 */
export interface ApplicationRow {
  id: string;
  userId: string;
  createdBy: string;
  customerId: string;
  branchId: string | null;
  departmentId: string | null;
  status: ApplicationStatus;
  submittedBy: string | null;
  currency: string;
  accountId: string | null;
  idCardType: string;
  /** Plain here; the seed stores ciphertext. */
  idNumber: string;
  idNumberHash: string | null;
  fullNameKhmer: string;
  fullNameLatin: string;
  phone: string;
  dateOfBirth: string;
  portfolioOfficerName: string;
  currentAddress: string;
  province: string;
  district: string;
  commune: string;
  village: string;
  occupation: string;
  employerName: string | null;
  monthlyIncome: string;
  incomeSource: string;
  requestedAmount: string;
  loanPurposes: string;
  purposeDetails: string;
  productType: string;
  desiredLoanTerm: string;
  requestedDisbursementDate: string;
  interestRate: string;
  loanAmount: string | null;
  loanPurpose: string | null;
  loanStartDate: string | null;
  loanEndDate: string | null;
  guarantorName: string;
  guarantorPhone: string;
  /** Plain here; the seed stores ciphertext. */
  guarantorIdNumber: string;
  guarantorIdNumberHash: string | null;
  guarantorAddress: string;
  guarantorRelationship: string;
  existingLoans: string;
  monthlyExpenses: string;
  assetsValue: string;
  creditScore: number | null;
  riskCategory: RiskCategory | null;
  assessmentNotes: string | null;
  riskBreakdown: string | null;
  collaterals: string;
  assignedReviewer: string | null;
  reviewerAssignedAt: string | null;
  priorityLevel: PriorityLevel;
  submittedAt: string | null;
  reviewedAt: string | null;
  riskAssessedAt: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  rejectedAt: string | null;
  rejectedBy: string | null;
  rejectionReason: string | null;
  disbursedAt: string | null;
  completedAt: string | null;
  withdrawnAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A step of an application's history after its creation (an action of the workflow). */
export type StepAction =
  | 'submit'
  | 'assign_reviewer'
  | 'complete_review'
  | 'assess_risk'
  | 'approve'
  | 'reject'
  | 'return'
  | 'withdraw'
  | 'disburse'
  | 'complete';

export interface Step {
  action: StepAction;
  from: ApplicationStatus;
  to: ApplicationStatus;
  /** Milliseconds after the creation, increasing from step to step. */
  at: number;
}

/** Drafts that were sent back once by a reviewer; other applications returned once on the way. */
const RETURNED_DRAFTS = 0.15;
const RETURNED_ON_THE_WAY = 0.08;
/** Submitted while no manager could take it: it waited for one to assign a reviewer. */
const ASSIGNED_BY_HAND = 0.15;

/**
 * The steps that brought an application to `status` (having reached stage `reached` of the
 * forward path), as the workflow takes them (SPEC §6): a submit auto-assigns the reviewer
 * (`draft → initial_review`, one step) unless no manager could take it, then a manager assigns
 * one; now and then a reviewer returns it to draft and the officer submits it again (a returned
 * draft stays there). Hours to days between steps; a loan is repaid within its term.
 */
export function history(
  random: Random,
  status: ApplicationStatus,
  reached: number,
  months: number,
): Step[] {
  const steps: Step[] = [];
  let at = 0;
  let current: ApplicationStatus = 'draft';
  const go = (action: StepAction, to: ApplicationStatus, min: number, max: number) => {
    at += min + random.next() * (max - min);
    steps.push({ action, from: current, to, at });
    current = to;
  };
  /** Submit and review, up to the stage `upTo` (submitted ... approval_pending). */
  const review = (upTo: number) => {
    const waits = upTo === stage('submitted') || random.chance(ASSIGNED_BY_HAND);
    go('submit', waits ? 'submitted' : 'initial_review', 20 * MINUTE, 3 * DAY);
    if (waits && upTo >= stage('initial_review')) {
      go('assign_reviewer', 'initial_review', 30 * MINUTE, 2 * DAY);
    }
    if (upTo >= stage('credit_check')) go('complete_review', 'credit_check', 2 * HOUR, 4 * DAY);
    if (upTo >= stage('approval_pending')) go('assess_risk', 'approval_pending', HOUR, 2 * DAY);
  };

  const returned =
    status === 'draft'
      ? random.chance(RETURNED_DRAFTS)
      : reached >= stage('initial_review') && random.chance(RETURNED_ON_THE_WAY);
  if (returned) {
    const furthest = status === 'draft' ? stage('approval_pending') : reached;
    review(random.int(stage('initial_review'), Math.min(furthest, stage('approval_pending'))));
    go('return', 'draft', 2 * HOUR, 3 * DAY);
  }
  if (reached >= stage('submitted')) review(Math.min(reached, stage('approval_pending')));
  if (reached >= stage('approved')) go('approve', 'approved', 2 * HOUR, 3 * DAY);
  if (reached >= stage('disbursed')) go('disburse', 'disbursed', DAY, 7 * DAY);
  // Repaid on time or early: between half the term and the whole of it.
  if (reached >= stage('completed')) {
    go('complete', 'completed', months * 15 * DAY, months * 30.4 * DAY);
  }
  if (status === 'rejected') go('reject', 'rejected', HOUR, 3 * DAY);
  if (status === 'withdrawn') go('withdraw', 'withdrawn', HOUR, 3 * DAY);
  return steps;
}

/** The time of the last step of `actions`, or null when there is none. */
function lastOf(steps: readonly Step[], ...actions: StepAction[]): number | null {
  for (let i = steps.length - 1; i >= 0; i -= 1) {
    if (actions.includes(steps[i].action)) return steps[i].at;
  }
  return null;
}

/**
 * The last assignment of a reviewer (on submit or by hand), and whether the application is still
 * with that reviewer: a return takes it back (reviewer_assigned_at stays, as in the workflow).
 */
function lastAssignment(steps: readonly Step[]): { at: number | null; kept: boolean } {
  let kept = true;
  for (let i = steps.length - 1; i >= 0; i -= 1) {
    const step = steps[i];
    if (step.action === 'return') kept = false;
    if (step.action === 'assign_reviewer' || (step.action === 'submit' && step.to !== 'submitted'))
      return { at: step.at, kept };
  }
  return { at: null, kept: false };
}

/**
 * An audit_events row as inserted, by entity property: what AuditService.record writes for the
 * step (action `application.<action>`, the actor's username and role copied, the application's
 * branch and department, from and to status, the details the workflow gives), at its time.
 */
export interface EventRow {
  occurredAt: string;
  actorId: string;
  actorName: string;
  actorRole: string;
  action: string;
  entityType: string;
  entityId: string;
  branchId: string | null;
  departmentId: string | null;
  fromStatus: string | null;
  toStatus: string;
  /** JSON */
  details: string;
  createdAt: string;
  updatedAt: string;
}

interface Figures {
  currency: string;
  /** Whole units of the currency. */
  requested: number;
  income: number;
  expenses: number;
  assets: number;
  existingLoans: { lender: string; outstanding_balance: string; monthly_payment: string }[];
  collaterals: { type: string; description: string; estimated_value: string }[];
  term: string;
}

/** Rounding steps in riel for steps of 1, 10 and 100 USD. */
const KHR_STEPS: Record<number, number> = { 1: 1000, 10: 10_000, 100: 100_000 };

/** The request and the borrower's finances, in the application's currency. */
function figures(random: Random, customer: DemoCustomer, forCompletion: boolean): Figures {
  const currency = random.chance(0.9) ? 'USD' : 'KHR';
  const rate = currency === 'KHR' ? KHR_PER_USD : 1;
  /** A USD figure in the application's currency, rounded to a whole step (at least one). */
  const amount = (usd: number, usdStep: 1 | 10 | 100) => {
    const step = currency === 'KHR' ? KHR_STEPS[usdStep] : usdStep;
    return Math.max(step, Math.round((usd * rate) / step) * step);
  };
  const incomeUsd = customer.monthlyIncome;
  // From 2 months' to 17 months' income (mostly under half a year's), within 500-50,000 USD.
  const requestedUsd = Math.min(
    50_000,
    Math.max(500, incomeUsd * 12 * (0.15 + random.next() ** 1.5 * 1.25)),
  );
  const loans = random.weighted([
    [0, 55],
    [1, 35],
    [2, 10],
  ]);
  const existingLoans = Array.from({ length: loans }, () => {
    const outstanding = incomeUsd * (1 + random.next() * 5);
    return {
      lender: random.pick(LENDERS),
      outstanding_balance: money(amount(outstanding, 10)),
      monthly_payment: money(amount(outstanding / random.int(10, 24), 1)),
    };
  });
  const pledged = random.weighted([
    [0, 20],
    [1, 60],
    [2, 20],
  ]);
  let collateralUsd = 0;
  const collaterals = Array.from({ length: pledged }, () => {
    const [type, description] = random.pick(COLLATERALS);
    const valueUsd = requestedUsd * (0.5 + random.next() * 2.5);
    collateralUsd += valueUsd;
    return { type, description, estimated_value: money(amount(valueUsd, 100)) };
  });
  // Bigger loans run longer; the loans already repaid are the shorter ones (up to 12 months).
  const shortest = requestedUsd > 10_000 ? 2 : requestedUsd > 3000 ? 1 : 0;
  const longest = forCompletion ? 2 : TERMS.length - 1;
  return {
    currency,
    requested: amount(requestedUsd, 100),
    income: amount(incomeUsd, 10),
    expenses: amount(incomeUsd * (0.15 + random.next() * 0.25), 10),
    assets: amount(collateralUsd + incomeUsd * random.int(2, 40), 100),
    existingLoans,
    collaterals,
    term: TERMS[random.int(Math.min(shortest, longest), longest)],
  };
}

export interface ApplicationContext {
  customer: DemoCustomer;
  /** Admins approve above a manager's limit. */
  admins: StaffMember[];
  now: number;
  /** Running number of the run's loans, for account ids. */
  serial: number;
}

/** An application as the seed writes it: its row and its audit trail, oldest first. */
export interface DemoApplication {
  row: ApplicationRow;
  events: EventRow[];
}

/** One application of a customer, consistent with its status, with the events that led there. */
export function generateApplication(random: Random, context: ApplicationContext): DemoApplication {
  const { customer, admins, now } = context;
  const { officer, branch } = customer;
  const status = random.weighted(STATUS_WEIGHTS);
  const reached =
    status === 'rejected'
      ? random.weighted(REJECTED_AT)
      : status === 'withdrawn'
        ? random.weighted(WITHDRAWN_AT)
        : stage(status);
  const f = figures(random, customer, status === 'completed');
  const steps = history(random, status, reached, termInMonths(f.term) ?? 12);
  const lastStep = steps.length ? steps[steps.length - 1].at : 0;
  // Creation spread over the history, early enough for every later step to be in the past.
  const latest = now - lastStep - random.int(1, 24 * 60) * MINUTE;
  const created = Math.min(latest, now - random.next() * HISTORY);
  /** The instant of a step, as timestamptz text; null for a step not taken. */
  const at = (offset: number | null) => (offset === null ? null : iso(created + offset));
  const times = {
    submitted: lastOf(steps, 'submit'),
    assigned: lastAssignment(steps),
    reviewed: lastOf(steps, 'complete_review'),
    assessed: lastOf(steps, 'assess_risk'),
    approved: lastOf(steps, 'approve'),
    disbursed: lastOf(steps, 'disburse'),
    completed: lastOf(steps, 'complete'),
    stopped: lastOf(steps, 'reject', 'withdraw'),
  };

  // One reviewer throughout (the branch's managers review its applications).
  const reviewer = steps.some((step) => step.to === 'initial_review')
    ? random.pick(branch.managers)
    : null;
  const purposes = random.chance(0.8)
    ? [random.pick(PURPOSES)]
    : [random.pick(PURPOSES), random.pick(PURPOSES)];
  const uniquePurposes = [...new Set(purposes)];
  const interestRate = random.pick(INTEREST_RATES);

  let approvedAmount: number | null = null;
  let approver: StaffMember | null = null;
  if (times.approved !== null) {
    const step = f.currency === 'KHR' ? 100_000 : 100;
    approvedAmount = random.chance(0.75)
      ? f.requested
      : Math.max(step, Math.round((f.requested * (0.7 + random.next() * 0.25)) / step) * step);
    approver =
      approvedAmount <= (MANAGER_LIMITS[f.currency] ?? 0)
        ? (reviewer ?? random.pick(branch.managers))
        : random.pick(admins);
  }

  let risk: ReturnType<typeof scoreApplication> | null = null;
  if (times.assessed !== null) {
    const input: ScorecardInput = {
      monthly_income: money(f.income),
      monthly_expenses: money(f.expenses),
      requested_amount: money(f.requested),
      interest_rate: interestRate,
      desired_loan_term: f.term,
      income_source: customer.occupation.incomeSource,
      existing_loans: f.existingLoans,
      collaterals: f.collaterals,
      assets_value: money(f.assets),
    };
    risk = scoreApplication(input, RISK_WEIGHTS, RISK_THRESHOLDS);
  }

  const loanStart = times.disbursed === null ? null : dayOf(created + times.disbursed);
  const loanEnd = loanStart === null ? null : loanEndDate(loanStart, f.term);
  const guarantor = personName(random);
  const stoppedAt = at(times.stopped);
  const manager = reviewer ?? random.pick(branch.managers);
  const rejectionReason = status === 'rejected' ? random.pick(REJECTION_REASONS) : null;
  const id = randomUUID();

  /** Who took each step, and what the workflow wrote about it. */
  const taken = (step: Step): { actor: StaffMember; details: Record<string, unknown> } => {
    switch (step.action) {
      case 'submit':
        return {
          actor: officer,
          details:
            step.to === 'initial_review'
              ? { assigned_reviewer: reviewer!.id, auto_assigned: true }
              : {},
        };
      case 'assign_reviewer':
        return { actor: manager, details: { assigned_reviewer: reviewer!.id } };
      case 'complete_review':
        return { actor: reviewer!, details: {} };
      case 'assess_risk':
        return {
          actor: reviewer!,
          details: { credit_score: risk!.credit_score, risk_category: risk!.risk_category },
        };
      case 'approve':
        return {
          actor: approver!,
          details: { approved_amount: money(approvedAmount!), currency: f.currency },
        };
      case 'reject':
        return { actor: manager, details: { reason: rejectionReason } };
      case 'return':
        return { actor: manager, details: { reason: random.pick(RETURN_REASONS) } };
      case 'withdraw':
        return { actor: officer, details: { reason: random.pick(WITHDRAWAL_REASONS) } };
      case 'disburse':
        return { actor: manager, details: { loan_start_date: loanStart, loan_end_date: loanEnd } };
      case 'complete':
        return { actor: manager, details: {} };
    }
  };
  const event = (
    offset: number,
    action: string,
    from: ApplicationStatus | null,
    to: ApplicationStatus,
    actor: StaffMember,
    details: Record<string, unknown>,
  ): EventRow => {
    const time = iso(created + offset);
    return {
      occurredAt: time,
      actorId: actor.id,
      actorName: actor.username,
      actorRole: actor.role,
      action,
      entityType: 'application',
      entityId: id,
      branchId: officer.branchId,
      departmentId: officer.departmentId,
      fromStatus: from,
      toStatus: to,
      details: JSON.stringify(details),
      createdAt: time,
      updatedAt: time,
    };
  };
  const events = [
    event(0, 'application.created', null, 'draft', officer, { customer_id: customer.id }),
    ...steps.map((step) => {
      const { actor, details } = taken(step);
      return event(step.at, `application.${step.action}`, step.from, step.to, actor, details);
    }),
  ];

  const row: ApplicationRow = {
    id,
    userId: officer.id,
    createdBy: officer.id,
    customerId: customer.id,
    branchId: officer.branchId,
    departmentId: officer.departmentId,
    status,
    submittedBy: times.submitted === null ? null : officer.id,
    currency: f.currency,
    accountId:
      loanStart === null ? null : `${branch.code}-${String(context.serial).padStart(8, '0')}`,
    idCardType: customer.idCardType,
    idNumber: customer.idNumber,
    idNumberHash: null,
    fullNameKhmer: customer.name.khmer,
    fullNameLatin: customer.name.latin,
    phone: customer.phone,
    dateOfBirth: customer.dateOfBirth,
    portfolioOfficerName: officer.fullName,
    currentAddress: customer.address,
    province: customer.province,
    district: customer.district,
    commune: customer.commune,
    village: customer.village,
    occupation: customer.occupation.name,
    employerName: customer.employerName,
    monthlyIncome: money(f.income),
    incomeSource: customer.occupation.incomeSource,
    requestedAmount: money(f.requested),
    loanPurposes: JSON.stringify(uniquePurposes),
    purposeDetails: PURPOSE_DETAILS[uniquePurposes[0]] ?? 'Working capital',
    productType: random.weighted(PRODUCTS),
    desiredLoanTerm: f.term,
    requestedDisbursementDate: dayOf(created + random.int(7, 30) * DAY),
    interestRate: interestRate,
    loanAmount: approvedAmount === null ? null : money(approvedAmount),
    loanPurpose: approvedAmount === null ? null : uniquePurposes.join(', '),
    loanStartDate: loanStart,
    loanEndDate: loanEnd,
    guarantorName: guarantor.latin,
    guarantorPhone: phoneNumber(random),
    guarantorIdNumber: idNumberFor(random, 'cambodian_identity'),
    guarantorIdNumberHash: null,
    guarantorAddress: customer.address,
    guarantorRelationship: random.pick(RELATIONSHIPS),
    existingLoans: JSON.stringify(f.existingLoans),
    monthlyExpenses: money(f.expenses),
    assetsValue: money(f.assets),
    creditScore: risk?.credit_score ?? null,
    riskCategory: risk?.risk_category ?? null,
    assessmentNotes: risk ? ASSESSMENT_NOTES[risk.risk_category] : null,
    riskBreakdown: risk ? JSON.stringify(risk.risk_breakdown) : null,
    collaterals: JSON.stringify(f.collaterals),
    assignedReviewer: times.assigned.kept ? reviewer!.id : null,
    reviewerAssignedAt: at(times.assigned.at),
    priorityLevel: random.weighted(PRIORITIES),
    submittedAt: at(times.submitted),
    reviewedAt: at(times.reviewed),
    riskAssessedAt: at(times.assessed),
    approvedAt: at(times.approved),
    approvedBy: approver?.id ?? null,
    rejectedAt: status === 'rejected' ? stoppedAt : null,
    rejectedBy: status === 'rejected' ? manager.id : null,
    rejectionReason,
    disbursedAt: at(times.disbursed),
    completedAt: at(times.completed),
    withdrawnAt: status === 'withdrawn' ? stoppedAt : null,
    // Each step saved the row once after its creation.
    version: 1 + steps.length,
    createdAt: iso(created),
    updatedAt: iso(created + lastStep),
  };
  return { row, events };
}
