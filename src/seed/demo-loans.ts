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

/** Milliseconds after creation of each step reached; null for steps not reached. */
interface Timeline {
  submitted: number | null;
  assigned: number | null;
  reviewed: number | null;
  assessed: number | null;
  approved: number | null;
  disbursed: number | null;
  completed: number | null;
  /** Rejection or withdrawal. */
  stopped: number | null;
  /** The last change (at least the creation). */
  last: number;
}

function timeline(random: Random, reached: number, stopped: boolean, months: number): Timeline {
  const span = (min: number, max: number) => min + random.next() * (max - min);
  let at = 0;
  const step = (index: number, min: number, max: number): number | null => {
    if (reached < index) return null;
    at += span(min, max);
    return at;
  };
  const submitted = step(stage('submitted'), 20 * MINUTE, 3 * DAY);
  // Auto-assignment happens on submit; a few waited for a manager to assign by hand.
  const assigned = step(stage('initial_review'), 0, random.chance(0.85) ? 2000 : 2 * DAY);
  const reviewed = step(stage('credit_check'), 2 * HOUR, 4 * DAY);
  const assessed = step(stage('approval_pending'), HOUR, 2 * DAY);
  const approved = step(stage('approved'), 2 * HOUR, 3 * DAY);
  const disbursed = step(stage('disbursed'), DAY, 7 * DAY);
  // Repaid on time or early: between half the term and the whole of it.
  const completed = step(stage('completed'), months * 15 * DAY, months * 30.4 * DAY);
  const stop = stopped ? (at += span(HOUR, 3 * DAY)) : null;
  const last = reached === 0 && !stopped ? span(0, 2 * DAY) : at;
  return {
    submitted,
    assigned,
    reviewed,
    assessed,
    approved,
    disbursed,
    completed,
    stopped: stop,
    last,
  };
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

/** One application of a customer, consistent with its status. */
export function generateApplication(random: Random, context: ApplicationContext): ApplicationRow {
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
  const times = timeline(
    random,
    reached,
    status === 'rejected' || status === 'withdrawn',
    termInMonths(f.term) ?? 12,
  );
  // Creation spread over the history, early enough for every later step to be in the past.
  const latest = now - times.last - random.int(1, 24 * 60) * MINUTE;
  const created = Math.min(latest, now - random.next() * HISTORY);
  /** The instant of a step, as timestamptz text; null for a step not reached. */
  const at = (offset: number | null) => (offset === null ? null : iso(created + offset));

  const reviewer = reached >= stage('initial_review') ? random.pick(branch.managers) : null;
  const purposes = random.chance(0.8)
    ? [random.pick(PURPOSES)]
    : [random.pick(PURPOSES), random.pick(PURPOSES)];
  const uniquePurposes = [...new Set(purposes)];
  const interestRate = random.pick(INTEREST_RATES);

  let approvedAmount: number | null = null;
  let approver: StaffMember | null = null;
  if (reached >= stage('approved') && status !== 'rejected' && status !== 'withdrawn') {
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
  if (reached >= stage('approval_pending')) {
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
  const guarantor = personName(random);
  const stoppedAt = at(times.stopped);
  const transitions = [
    times.submitted,
    times.assigned,
    times.reviewed,
    times.assessed,
    times.approved,
    times.disbursed,
    times.completed,
    times.stopped,
  ].filter((value) => value !== null).length;

  return {
    id: randomUUID(),
    userId: officer.id,
    customerId: customer.id,
    branchId: officer.branchId,
    departmentId: officer.departmentId,
    status,
    submittedBy: reached >= stage('submitted') ? officer.id : null,
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
    loanEndDate: loanStart === null ? null : loanEndDate(loanStart, f.term),
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
    assignedReviewer: reviewer?.id ?? null,
    reviewerAssignedAt: at(times.assigned),
    priorityLevel: random.weighted(PRIORITIES),
    submittedAt: at(times.submitted),
    reviewedAt: at(times.reviewed),
    riskAssessedAt: at(times.assessed),
    approvedAt: at(times.approved),
    approvedBy: approver?.id ?? null,
    rejectedAt: status === 'rejected' ? stoppedAt : null,
    rejectedBy: status === 'rejected' ? (reviewer ?? random.pick(branch.managers)).id : null,
    rejectionReason: status === 'rejected' ? random.pick(REJECTION_REASONS) : null,
    disbursedAt: at(times.disbursed),
    completedAt: at(times.completed),
    withdrawnAt: status === 'withdrawn' ? stoppedAt : null,
    version: 1 + transitions,
    createdAt: iso(created),
    updatedAt: iso(created + times.last),
  };
}
