/**
 * The fixed lists of the domain, written in code because the server's rules depend on them
 * (SPEC §6 and §7): application statuses, loan statuses, roles, priorities, risk categories and
 * workflow stages. The lists an institution may change (id card types, products, purposes,
 * terms, document types, currencies) are catalogues kept as settings instead (`catalog.*`).
 * Pure data and functions, no Nest.
 */
import { ROLES, type Role } from '../common/auth/permissions';

/** One choice of a list: the value the API takes and returns, and what a person reads. */
export interface EnumOption {
  value: string;
  label: string;
}

/** The application lifecycle of SPEC §6 (a return goes back to `draft`: there is no "returned"). */
export const APPLICATION_STATUSES = [
  { value: 'draft', label: 'Draft' },
  { value: 'submitted', label: 'Submitted' },
  { value: 'initial_review', label: 'Initial review' },
  { value: 'credit_check', label: 'Credit check' },
  { value: 'approval_pending', label: 'Approval pending' },
  { value: 'approved', label: 'Approved' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'disbursed', label: 'Disbursed' },
  { value: 'completed', label: 'Completed' },
  { value: 'withdrawn', label: 'Withdrawn' },
] as const satisfies readonly EnumOption[];
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number]['value'];

/**
 * The workflow stages: the statuses in which an application waits on the institution, between
 * submit and a decision, in the order it passes them. Each stage value is also a status. A
 * reviewer may be (re)assigned, and an application rejected or returned, in any of them;
 * auto-assignment counts the last three as a reviewer's open assignments; the turnaround
 * figures of the dashboard measure the time spent in each.
 */
export const WORKFLOW_STAGES = [
  { value: 'submitted', label: 'Submitted (waiting for a reviewer)' },
  { value: 'initial_review', label: 'Initial review' },
  { value: 'credit_check', label: 'Credit check' },
  { value: 'approval_pending', label: 'Approval pending' },
] as const satisfies readonly (EnumOption & { value: ApplicationStatus })[];
export type WorkflowStage = (typeof WORKFLOW_STAGES)[number]['value'];

/**
 * The loan as the borrower sees it. `draft`, `active`, `disbursed` and `completed` are derived
 * from the application status (approved → active, ...); `defaulted` is set by loan servicing.
 */
export const LOAN_STATUSES = [
  { value: 'draft', label: 'Draft' },
  { value: 'active', label: 'Active' },
  { value: 'disbursed', label: 'Disbursed' },
  { value: 'completed', label: 'Completed' },
  { value: 'defaulted', label: 'Defaulted' },
] as const satisfies readonly EnumOption[];
export type LoanStatus = (typeof LOAN_STATUSES)[number]['value'];

export const PRIORITY_LEVELS = [
  { value: 'low', label: 'Low' },
  { value: 'normal', label: 'Normal' },
  { value: 'high', label: 'High' },
  { value: 'urgent', label: 'Urgent' },
] as const satisfies readonly EnumOption[];
export type PriorityLevel = (typeof PRIORITY_LEVELS)[number]['value'];

export const RISK_CATEGORIES = [
  { value: 'low', label: 'Low risk' },
  { value: 'medium', label: 'Medium risk' },
  { value: 'high', label: 'High risk' },
] as const satisfies readonly EnumOption[];
export type RiskCategory = (typeof RISK_CATEGORIES)[number]['value'];

const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  manager: 'Manager',
  officer: 'Loan officer',
  viewer: 'Viewer',
};

/** The roles of the permission map, in its order (one list of roles in the code base). */
export const ROLE_OPTIONS: readonly EnumOption[] = ROLES.map((role) => ({
  value: role,
  label: ROLE_LABELS[role],
}));

/** `GET /enums/all`: every list, camelCase keys (SPEC §7 "Enums"). */
export interface AllEnums {
  idCardTypes: EnumOption[];
  loanStatuses: EnumOption[];
  loanPurposes: EnumOption[];
  productTypes: EnumOption[];
  riskCategories: EnumOption[];
  priorityLevels: EnumOption[];
  applicationStatuses: EnumOption[];
  roles: EnumOption[];
  documentTypes: EnumOption[];
  workflowStages: EnumOption[];
  loanTerms: EnumOption[];
  currencies: EnumOption[];
}

/** The catalogue lists of AllEnums (read from settings); the rest come from this file. */
export type CatalogEnums = Pick<
  AllEnums,
  'idCardTypes' | 'loanPurposes' | 'productTypes' | 'loanTerms' | 'documentTypes' | 'currencies'
>;

/** A fresh, mutable copy of a list (the constants stay untouched whatever a caller does). */
export function copyOptions(list: readonly EnumOption[]): EnumOption[] {
  return list.map(({ value, label }) => ({ value, label }));
}

/** Every list: the catalogues given, and fresh copies of the code enums. */
export function allEnums(catalogs: CatalogEnums): AllEnums {
  const copy = copyOptions;
  return {
    idCardTypes: catalogs.idCardTypes,
    loanStatuses: copy(LOAN_STATUSES),
    loanPurposes: catalogs.loanPurposes,
    productTypes: catalogs.productTypes,
    riskCategories: copy(RISK_CATEGORIES),
    priorityLevels: copy(PRIORITY_LEVELS),
    applicationStatuses: copy(APPLICATION_STATUSES),
    roles: copy(ROLE_OPTIONS),
    documentTypes: catalogs.documentTypes,
    workflowStages: copy(WORKFLOW_STAGES),
    loanTerms: catalogs.loanTerms,
    currencies: catalogs.currencies,
  };
}

/** `GET /applications/enums/options`: the lists SPEC §7 names there, snake_case keys. */
export interface ApplicationEnumOptions {
  id_card_types: EnumOption[];
  loan_statuses: EnumOption[];
  loan_purposes: EnumOption[];
  product_types: EnumOption[];
  risk_categories: EnumOption[];
  priority_levels: EnumOption[];
  application_statuses: EnumOption[];
  loan_terms: EnumOption[];
  workflow_stages: EnumOption[];
}

export function applicationEnumOptions(all: AllEnums): ApplicationEnumOptions {
  return {
    id_card_types: all.idCardTypes,
    loan_statuses: all.loanStatuses,
    loan_purposes: all.loanPurposes,
    product_types: all.productTypes,
    risk_categories: all.riskCategories,
    priority_levels: all.priorityLevels,
    application_statuses: all.applicationStatuses,
    loan_terms: all.loanTerms,
    workflow_stages: all.workflowStages,
  };
}
