/**
 * The query builders every read of applications shares (the list, the cards, the stats, the
 * export, the workflow's locks): the caller's scope, the list's filters and its order; and a
 * customer's applications, which customers ask for. SQL on customer_applications only; the
 * sub-folders keep their own queries beside them.
 */
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { RecordScope } from '../common/auth/record-scope';
import type { FieldCipher } from '../common/crypto/field-cipher';
import { escapeLike } from '../common/escape-like';
import { filterUpdatedSince, orderByUpdatedAt, syncColumnsOf } from '../common/http/list-query';
import { BORROWER_PROPERTIES } from '../customers/borrower-properties';
import type { CustomerApplicationRow } from '../customers/dto/customer.dto';
import { CustomerApplication } from './application.entity';
import { applicationScopeCondition } from './application-scope';
import type { ApplicationCardsQuery, ApplicationFiltersQuery } from './dto/list-applications.query';

export type ApplicationFilters = Omit<ApplicationFiltersQuery, 'page' | 'size'> &
  Pick<Partial<ApplicationCardsQuery>, 'loan_status'>;

/** The statuses behind each derived loan status (loanStatusOf, read backwards for filtering). */
const LOAN_STATUS_SOURCES: Record<string, string[]> = {
  active: ['approved'],
  disbursed: ['disbursed'],
  completed: ['completed'],
  draft: [
    'draft',
    'submitted',
    'initial_review',
    'credit_check',
    'approval_pending',
    'rejected',
    'withdrawn',
  ],
  defaulted: [],
};

/** The caller's scope on an applications query (alias `a` unless given). */
export function scopeApplications<T extends SelectQueryBuilder<CustomerApplication>>(
  qb: T,
  scope: RecordScope,
  alias = 'a',
): T {
  const condition = applicationScopeCondition(scope, alias);
  if (condition) qb.andWhere(condition.sql, condition.params);
  return qb;
}

/**
 * The list's search and filters (SPEC §7), each served by an index of the Applications
 * migration: `search` by the trigram index on `search_text` or the id-number hash;
 * `date_from`/`date_to` are calendar days in `timeZone`, turned into a range on created_at.
 */
export function filterApplications<T extends SelectQueryBuilder<CustomerApplication>>(
  qb: T,
  filters: ApplicationFilters,
  context: { timeZone: string; cipher: FieldCipher },
  alias = 'a',
): T {
  const a = alias;
  if (filters.status?.length)
    qb.andWhere(`${a}.status IN (:...statuses)`, { statuses: filters.status });
  if (filters.loan_status) {
    const statuses = LOAN_STATUS_SOURCES[filters.loan_status] ?? [];
    qb.andWhere(statuses.length ? `${a}.status IN (:...loanStatuses)` : 'false', {
      loanStatuses: statuses,
    });
  }
  if (filters.search) {
    qb.andWhere(`(${a}.search_text ILIKE :search OR ${a}.id_number_hash IN (:...idHashes))`, {
      search: `%${escapeLike(filters.search)}%`,
      idHashes: context.cipher.blindIndexCandidates(filters.search),
    });
  }
  const equal: [keyof ApplicationFilters, string][] = [
    ['risk_category', 'risk_category'],
    ['product_type', 'product_type'],
    ['assigned_reviewer', 'assigned_reviewer'],
    ['priority_level', 'priority_level'],
    ['customer_id', 'customer_id'],
    ['branch_id', 'branch_id'],
    ['user_id', 'user_id'],
    ['account_id', 'account_id'],
    ['currency', 'currency'],
  ];
  for (const [name, column] of equal) {
    const value = filters[name];
    if (value !== null && value !== undefined) {
      qb.andWhere(`${a}.${column} = :${name}`, { [name]: value });
    }
  }
  if (filters.amount_min)
    qb.andWhere(`${a}.requested_amount >= :amountMin`, { amountMin: filters.amount_min });
  if (filters.amount_max)
    qb.andWhere(`${a}.requested_amount <= :amountMax`, { amountMax: filters.amount_max });
  if (filters.date_from) {
    qb.andWhere(`${a}.created_at >= (CAST(:dateFrom AS date)::timestamp AT TIME ZONE :timeZone)`, {
      dateFrom: filters.date_from,
      timeZone: context.timeZone,
    });
  }
  if (filters.date_to) {
    qb.andWhere(
      `${a}.created_at < ((CAST(:dateTo AS date) + 1)::timestamp AT TIME ZONE :timeZone)`,
      { dateTo: filters.date_to, timeZone: context.timeZone },
    );
  }
  filterUpdatedSince(qb, syncColumnsOf(a), filters);
  return qb;
}

/**
 * The list's order: urgent, then high, then the rest; newest first within each; then id. With
 * `sort_by=updated_at`, the sync order instead (oldest change first, then id).
 */
export function orderApplications<T extends SelectQueryBuilder<CustomerApplication>>(
  qb: T,
  sortBy: 'updated_at' | null = null,
  alias = 'a',
): T {
  if (sortBy === 'updated_at') return orderByUpdatedAt(qb, syncColumnsOf(alias)) as T;
  return qb
    .orderBy(`${alias}.priority_rank`, 'ASC')
    .addOrderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC');
}

/** The columns an application's answer carries (ApplicationDto), as entity properties. */
export const APPLICATION_RESPONSE_PROPERTIES = [
  'id',
  'userId',
  'customerId',
  'branchId',
  'departmentId',
  'status',
  'submittedBy',
  'currency',
  'accountId',
  'idCardType',
  'idNumber',
  ...BORROWER_PROPERTIES,
  'portfolioOfficerName',
  'requestedAmount',
  'loanPurposes',
  'purposeDetails',
  'productType',
  'desiredLoanTerm',
  'requestedDisbursementDate',
  'interestRate',
  'loanAmount',
  'loanPurpose',
  'loanStartDate',
  'loanEndDate',
  'guarantorName',
  'guarantorPhone',
  'guarantorIdNumber',
  'guarantorAddress',
  'guarantorRelationship',
  'existingLoans',
  'monthlyExpenses',
  'assetsValue',
  'creditScore',
  'riskCategory',
  'assessmentNotes',
  'riskBreakdown',
  'collaterals',
  'documents',
  'assignedReviewer',
  'priorityLevel',
  'submittedAt',
  'reviewedAt',
  'riskAssessedAt',
  'approvedAt',
  'approvedBy',
  'rejectedAt',
  'rejectedBy',
  'rejectionReason',
  'disbursedAt',
  'completedAt',
  'withdrawnAt',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof CustomerApplication)[];

export type ApplicationProperty = (typeof APPLICATION_RESPONSE_PROPERTIES)[number];

/** The select list of each view's properties, built once (TypeORM is slow to add 60 columns). */
const selections = new WeakMap<readonly ApplicationProperty[], Map<string, string>>();

/**
 * Selects `properties` of the applications aliased `alias` as raw values under their property
 * names, with the types the entity gives them (a `date` as `YYYY-MM-DD` text): rows the one
 * mapper (toApplicationResponse) reads without TypeORM hydrating entities. Other properties
 * stay undefined, so a view reads only the columns its answer carries.
 */
export function selectApplicationProperties<T extends SelectQueryBuilder<CustomerApplication>>(
  qb: T,
  properties: readonly ApplicationProperty[],
  alias = 'a',
): T {
  let byAlias = selections.get(properties);
  if (!byAlias) selections.set(properties, (byAlias = new Map()));
  let selection = byAlias.get(alias);
  if (!selection) {
    const metadata = qb.connection.getMetadata(CustomerApplication);
    selection = properties
      .map((property) => {
        const column = metadata.findColumnWithPropertyName(property);
        if (!column) throw new Error(`CustomerApplication has no column ${property}`);
        const name = `${alias}.${column.databaseName}`;
        return `${column.type === 'date' ? `CAST(${name} AS text)` : name} AS "${property}"`;
      })
      .join(', ');
    byAlias.set(alias, selection);
  }
  return qb.select(selection);
}

/** The exact number of rows of a filtered query: `count(*)`, which the scope index answers. */
export async function countApplications(
  qb: SelectQueryBuilder<CustomerApplication>,
): Promise<number> {
  const row = await qb.select('count(*)::int', 'total').getRawOne<{ total: number }>();
  return row?.total ?? 0;
}

/**
 * A customer's applications within `scope`, newest first (customer_applications_customer_id_idx):
 * one window of them as `GET /customers/{id}/applications` lists them, and their count.
 */
export async function customerApplicationsPage(
  manager: EntityManager,
  scope: RecordScope,
  customerId: string,
  window: { skip: number; take: number },
): Promise<{ rows: CustomerApplicationRow[]; total: number }> {
  const qb = manager
    .createQueryBuilder()
    .from('customer_applications', 'a')
    .where('a.customer_id = :customerId', { customerId });
  const condition = applicationScopeCondition(scope, 'a', 'app');
  if (condition) qb.andWhere(condition.sql, condition.params);
  const [rows, count] = await Promise.all([
    qb
      .clone()
      .select([
        'a.id AS id',
        'a.status AS status',
        'a.currency AS currency',
        'a.requested_amount AS requested_amount',
        'a.loan_amount AS loan_amount',
        'a.product_type AS product_type',
        'a.desired_loan_term AS desired_loan_term',
        'a.priority_level AS priority_level',
        'a.created_at AS created_at',
        'a.submitted_at AS submitted_at',
        'a.approved_at AS approved_at',
      ])
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .offset(window.skip)
      .limit(window.take)
      .getRawMany<CustomerApplicationRow>(),
    qb.clone().select('count(*)::int', 'total').getRawOne<{ total: number }>(),
  ]);
  return { rows, total: count?.total ?? 0 };
}
