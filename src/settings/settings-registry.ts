/**
 * The known settings: for each key its category, type and range (a check), default, whether
 * non-admins may read it, and what it does. Keys the server itself obeys say so (`obeyed`);
 * the others are stored for the web app. Unknown keys may still be stored (category
 * `general` unless given), as in the original deployment. Pure data and functions, no Nest.
 */
import { ROLES } from '../common/auth/permissions';
import {
  amount,
  approvalLimits,
  boolean,
  catalog,
  type CatalogEntry,
  type Check,
  email,
  integer,
  jsonStructureProblems,
  oneOf,
  riskThresholds,
  stringList,
  text,
  timezone,
  url,
  weights,
} from './setting-types';

export interface SettingDefinition {
  category: string;
  description: string;
  isPublic: boolean;
  /** True when the server itself acts on the value (else it is stored for clients). */
  obeyed: boolean;
  default: unknown;
  check: Check;
}

export const RISK_FACTORS = [
  'debt_to_income',
  'loan_to_income',
  'collateral_cover',
  'existing_loans',
  'income_source',
  'term',
] as const;

/** Fields an application must have before it can be submitted (`borrower_name`: Khmer or Latin). */
export const APPLICATION_FIELDS = [
  'borrower_name',
  'id_card_type',
  'id_number',
  'phone',
  'date_of_birth',
  'current_address',
  'occupation',
  'monthly_income',
  'requested_amount',
  'product_type',
  'desired_loan_term',
  'loan_purposes',
  'requested_disbursement_date',
  'guarantor_name',
  'guarantor_phone',
] as const;

const entries = (pairs: [string, string][]): CatalogEntry[] =>
  pairs.map(([value, label]) => ({ value, label }));

export const DEFAULT_CATALOGS = {
  'catalog.id_card_types': entries([
    ['cambodian_identity', 'អត្តសញ្ញាណប័ណ្ណសញ្ជាតិខ្មែរ'],
    ['passport', 'លិខិតឆ្លងដែន'],
    ['driver-license', 'ប័ណ្ណបើកបរ'],
    ['gov-card', 'ប័ណ្ណមន្ត្រីរាជការ'],
    ['monk-card', 'ប័ណ្ណព្រះសង្ឃ'],
    ['family-book', 'សៀវភៅគ្រួសារ'],
    ['birth-certificate', 'សំបុត្រកំណើត'],
    ['other', 'ផ្សេងៗ'],
  ]),
  'catalog.product_types': entries([
    ['monthly_loan', 'បង់ប្រចាំខែ'],
    ['biweekly_loan', 'បង់ប្រចាំ ២សប្តាហ៍'],
    ['weekly_loan', 'បង់ប្រចាំសប្តាហ៍'],
    ['daily_loan', 'បង់ប្រចាំថ្ងៃ'],
  ]),
  'catalog.loan_purposes': entries([
    ['commerce', 'Commerce'],
    ['agriculture', 'Agriculture'],
    ['education', 'Education'],
    ['housing', 'Housing'],
    ['vehicle', 'Vehicle'],
    ['medical', 'Medical'],
    ['other', 'Other'],
  ]),
  'catalog.loan_terms': entries(
    [3, 6, 12, 18, 24, 36].map((months) => [`${months}_months`, `${months} months`]),
  ),
  'catalog.document_types': entries([
    ['borrower_photo', 'Borrower photo'],
    ['borrower_nid_front', 'Borrower national ID (front)'],
    ['borrower_nid_back', 'Borrower national ID (back)'],
    ['driver_license', 'Driver licence'],
    ['passport', 'Passport'],
    ['business_license', 'Business licence'],
    ['guarantor_photo', 'Guarantor photo'],
    ['guarantor_nid_front', 'Guarantor national ID (front)'],
    ['guarantor_nid_back', 'Guarantor national ID (back)'],
    ['land_title', 'Land title'],
    ['house_photo', 'House photo'],
    ['collateral_other', 'Other collateral document'],
  ]),
  'catalog.currencies': entries([
    ['USD', 'US Dollar'],
    ['KHR', 'Cambodian Riel'],
  ]),
} as const;

export type CatalogKey = keyof typeof DEFAULT_CATALOGS;
/** `product_types` for `catalog.product_types`. */
export type CatalogName = CatalogKey extends `catalog.${infer Name}` ? Name : never;

const STORED_FOR_CLIENTS = ' (stored for the web app; the server does not act on it)';

function general(description: string, check: Check, value: unknown, obeyed = false) {
  return {
    category: 'general',
    description: obeyed ? description : description + STORED_FOR_CLIENTS,
    isPublic: true,
    obeyed,
    default: value,
    check,
  };
}

function setting(
  category: string,
  description: string,
  check: Check,
  value: unknown,
  options: { isPublic?: boolean; obeyed?: boolean } = {},
): SettingDefinition {
  const obeyed = options.obeyed ?? false;
  return {
    category,
    description: obeyed ? description : description + STORED_FOR_CLIENTS,
    isPublic: options.isPublic ?? false,
    obeyed,
    default: value,
    check,
  };
}

const catalogSetting = (description: string, value: CatalogEntry[]): SettingDefinition =>
  setting('catalog', description, catalog, value, { isPublic: true, obeyed: true });

export const SETTINGS = {
  app_name: general('Application name', text(100), 'LC Workflow System'),
  company_name: general('Company name', text(200), ''),
  default_language: general('Default language of the web app', oneOf(['en', 'km']), 'en'),
  timezone: general(
    'Time zone of calendar days (list date filters, disbursement dates)',
    timezone,
    'Asia/Phnom_Penh',
    true,
  ),
  company_logo_url: general('Company logo URL', url, ''),
  company_address: general('Company address', text(500), ''),
  company_phone: general('Company phone', text(30), ''),
  company_email: general('Company email', email, ''),
  default_currency: general(
    'Currency of new applications (one of catalog.currencies)',
    text(3, /^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
    'USD',
    true,
  ),

  password_min_length: setting('security', 'Minimum password length', integer(6, 72), 8, {
    isPublic: true,
    obeyed: true,
  }),
  password_require_uppercase: setting(
    'security',
    'Passwords need an upper- and a lower-case letter',
    boolean,
    true,
    { isPublic: true, obeyed: true },
  ),
  password_require_numbers: setting('security', 'Passwords need a digit', boolean, true, {
    isPublic: true,
    obeyed: true,
  }),
  password_require_special: setting(
    'security',
    'Passwords need a character other than a letter or digit',
    boolean,
    false,
    { isPublic: true, obeyed: true },
  ),
  session_timeout_minutes: setting(
    'security',
    'Idle time before the web app signs out',
    integer(5, 1440),
    30,
    {
      isPublic: true,
    },
  ),
  force_logout_on_close: setting('security', 'Sign out when the browser closes', boolean, false, {
    isPublic: true,
  }),

  default_user_role: setting(
    'users',
    'Role of new users when none is given',
    oneOf(ROLES),
    'officer',
    {
      obeyed: true,
    },
  ),
  require_admin_approval: setting('users', 'New users need an admin approval', boolean, false),
  require_email_verification: setting('users', 'New users must verify their email', boolean, false),

  auto_assign_applications: setting(
    'applications',
    'On submit, assign a reviewer automatically (the least busy manager)',
    boolean,
    true,
    { obeyed: true },
  ),
  require_manager_approval: setting(
    'applications',
    'Applications need a manager approval',
    boolean,
    true,
  ),
  manager_approval_threshold: setting(
    'applications',
    "The manager's approval limit in USD: a write-through alias of approval_limits.manager.USD",
    amount,
    10000,
    { obeyed: true },
  ),
  approval_limits: setting(
    'applications',
    'Approval authority by role and currency: {role: {currency: amount or null}}; null is unlimited, a missing currency means no authority',
    approvalLimits(ROLES),
    { admin: { USD: null, KHR: null }, manager: { USD: 10000, KHR: 41000000 } },
    { obeyed: true },
  ),
  required_application_fields: setting(
    'applications',
    `Fields an application needs before submit (of: ${APPLICATION_FIELDS.join(', ')})`,
    stringList(oneOf(APPLICATION_FIELDS), APPLICATION_FIELDS.length),
    [
      'borrower_name',
      'id_number',
      'phone',
      'requested_amount',
      'product_type',
      'desired_loan_term',
    ],
    { obeyed: true },
  ),
  required_document_types: setting(
    'applications',
    'Document types an application needs before submit (values of catalog.document_types)',
    stringList(text(50), 50),
    [],
    { obeyed: true },
  ),
  risk_weights: setting(
    'applications',
    `Weights of the risk scorecard factors (${RISK_FACTORS.join(', ')}), adding up to 100`,
    weights(RISK_FACTORS),
    {
      debt_to_income: 25,
      loan_to_income: 20,
      collateral_cover: 20,
      existing_loans: 15,
      income_source: 10,
      term: 10,
    },
    { obeyed: true },
  ),
  risk_thresholds: setting(
    'applications',
    'Credit score thresholds: low risk at or above `low`, medium at or above `medium`, else high',
    riskThresholds,
    { low: 70, medium: 50 },
    { obeyed: true },
  ),

  email_new_application: setting(
    'notifications',
    'Email managers about new applications',
    boolean,
    true,
  ),
  email_status_changes: setting(
    'notifications',
    'Email officers about status changes',
    boolean,
    true,
  ),
  email_system_maintenance: setting(
    'notifications',
    'Email users about maintenance',
    boolean,
    false,
  ),

  'catalog.id_card_types': catalogSetting('Identity document types', [
    ...DEFAULT_CATALOGS['catalog.id_card_types'],
  ]),
  'catalog.product_types': catalogSetting('Loan products', [
    ...DEFAULT_CATALOGS['catalog.product_types'],
  ]),
  'catalog.loan_purposes': catalogSetting('Loan purposes', [
    ...DEFAULT_CATALOGS['catalog.loan_purposes'],
  ]),
  'catalog.loan_terms': catalogSetting('Loan terms (`N_months`, `N_weeks`, `N_years`)', [
    ...DEFAULT_CATALOGS['catalog.loan_terms'],
  ]),
  'catalog.document_types': catalogSetting('Document types of applications', [
    ...DEFAULT_CATALOGS['catalog.document_types'],
  ]),
  'catalog.currencies': catalogSetting('Currencies (ISO 4217)', [
    ...DEFAULT_CATALOGS['catalog.currencies'],
  ]),
} satisfies Record<string, SettingDefinition>;

export type KnownSettingKey = keyof typeof SETTINGS;

/** The value types of the keys the server reads. */
export interface SettingValues {
  timezone: string;
  default_currency: string;
  password_min_length: number;
  password_require_uppercase: boolean;
  password_require_numbers: boolean;
  password_require_special: boolean;
  default_user_role: (typeof ROLES)[number];
  auto_assign_applications: boolean;
  manager_approval_threshold: number;
  approval_limits: Record<string, Record<string, number | null>>;
  required_application_fields: string[];
  required_document_types: string[];
  risk_weights: Record<(typeof RISK_FACTORS)[number], number>;
  risk_thresholds: { low: number; medium: number };
}

export function isKnownSetting(key: string): key is KnownSettingKey {
  return Object.prototype.hasOwnProperty.call(SETTINGS, key);
}

export function definitionOf(key: string): SettingDefinition | undefined {
  return isKnownSetting(key) ? SETTINGS[key] : undefined;
}

export const SETTING_KEY_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/;
export const SETTING_KEY_RULE =
  'lower-case letters, digits and "_", starting with a letter, with at most one "." (as in catalog.loan_purposes); at most 100 characters';
export const CATEGORY_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;
export const CATEGORY_RULE = '1-50 lower-case letters, digits and "_", starting with a letter';
export const MAX_VALUE_BYTES = 64 * 1024;

/** A well-formed key: SETTING_KEY_PATTERN, at most 100 characters. */
export function isSettingKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= 100 && SETTING_KEY_PATTERN.test(key);
}

/**
 * Problems with `value` for `key` (type, range, size). Cross-key rules (e.g. the default
 * currency must be in the currency catalogue) are checked by the service, which knows the
 * other values.
 */
export function settingValueProblems(key: string, value: unknown): string[] {
  if (value === undefined) return ['is required'];
  const structure = jsonStructureProblems(value);
  if (structure.length) return structure;
  const size = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (size > MAX_VALUE_BYTES)
    return [`must be at most ${MAX_VALUE_BYTES / 1024} kB of JSON (it is ${size} bytes)`];
  return definitionOf(key)?.check(value) ?? [];
}
