import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Branch } from '../branches/branch.entity';
import { Customer } from '../customers/customer.entity';
import { Department } from '../departments/department.entity';
import type { SealedColumn } from '../common/crypto/sealed-column';
import type { ApplicationStatus, PriorityLevel, RiskCategory } from '../enums/code-enums';
import { User } from '../users/user.entity';

export interface ExistingLoan {
  lender?: string | null;
  outstanding_balance?: number | string | null;
  monthly_payment?: number | string | null;
}

export interface Collateral {
  type: string;
  description?: string | null;
  estimated_value?: number | string | null;
  documents?: (string | Record<string, string | number | boolean | null>)[];
}

export type RiskBreakdown = Record<string, { value: string | null; score: number; weight: number }>;

const varchar = (length: number) => ({ type: 'varchar', length, nullable: true }) as const;
/** numeric(15,2): pg returns a decimal string, which the server keeps (never a float). */
const money = { type: 'numeric', precision: 15, scale: 2, nullable: true } as const;
/** A generated column: never written, not selected unless asked. */
const generated = {
  nullable: true,
  select: false,
  insert: false,
  update: false,
  generatedType: 'STORED',
} as const;
/** A foreign key to users (PostgreSQL's default name, ON DELETE NO ACTION). */
const userKey = (column: string) => ({
  name: column,
  foreignKeyConstraintName: `customer_applications_${column}_fkey`,
});

// The expressions of the generated columns, as migration TypeormMetadata records them.
const SEARCH_TEXT =
  "coalesce(full_name_latin, '') || ' ' || coalesce(full_name_khmer, '') || ' ' || " +
  "coalesce(phone, '') || ' ' || coalesce(portfolio_officer_name, '')";
const PRIORITY_RANK = "CASE priority_level WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END";
const STATUSES =
  "'draft', 'submitted', 'initial_review', 'credit_check', 'approval_pending', " +
  "'approved', 'rejected', 'disbursed', 'completed', 'withdrawn'";

/**
 * The sealed columns of an application, by entity property: ciphertext authenticated with the
 * row id (which is why the server chooses ids), with their blind indexes beside them.
 */
export const APPLICATION_SEALED_COLUMNS = {
  idNumber: { table: 'customer_applications', column: 'id_number', hash: 'id_number_hash' },
  guarantorIdNumber: {
    table: 'customer_applications',
    column: 'guarantor_id_number',
    hash: 'guarantor_id_number_hash',
  },
} as const satisfies Record<string, SealedColumn>;

/** An application property that holds ciphertext. */
export type SealedProperty = keyof typeof APPLICATION_SEALED_COLUMNS;

/**
 * A loan application (table `customer_applications`). Properties are camelCase; the naming
 * strategy maps them to the snake_case columns, which are also the API's field names.
 * `idNumber` and `guarantorIdNumber` hold ciphertext (APPLICATION_SEALED_COLUMNS) and the
 * `*Hash` properties their blind indexes. `searchText` and `priorityRank` are generated
 * columns the list queries use; they are never written, nor read unless asked.
 *
 * The decorators mirror migrations Applications1764547200000, SegregationOfDuties and
 * ListIndexes so that `migration:generate` finds no difference; the relations exist for that
 * (they are never loaded unless asked).
 */
@Entity('customer_applications')
@Index('customer_applications_order_idx', { synchronize: false })
@Index('customer_applications_branch_order_idx', { synchronize: false })
@Index('customer_applications_department_order_idx', { synchronize: false })
@Index('customer_applications_user_order_idx', { synchronize: false })
@Index('customer_applications_reviewer_status_idx', [
  'assignedReviewer',
  'status',
  'reviewerAssignedAt',
])
@Index('customer_applications_status_idx', { synchronize: false })
@Index('customer_applications_status_order_idx', { synchronize: false })
@Index('customer_applications_customer_id_idx', { synchronize: false })
@Index('customer_applications_created_at_idx', { synchronize: false })
@Index('customer_applications_pipeline_idx', { synchronize: false })
@Index('customer_applications_updated_at_idx', ['updatedAt'])
@Index('customer_applications_risk_category_idx', ['riskCategory'])
@Index('customer_applications_product_type_idx', ['productType'])
@Index('customer_applications_currency_idx', ['currency'])
@Index('customer_applications_account_id_idx', ['accountId'])
@Index('customer_applications_requested_amount_idx', ['requestedAmount'])
@Index('customer_applications_id_number_hash_idx', ['idNumberHash'])
@Index('customer_applications_submitted_by_idx', ['submittedBy'])
@Index('customer_applications_approved_by_idx', ['approvedBy'])
@Index('customer_applications_rejected_by_idx', ['rejectedBy'])
@Index('customer_applications_search_trgm_idx', { synchronize: false })
@Index('customer_applications_scope_idx', [
  'branchId',
  'departmentId',
  'userId',
  'assignedReviewer',
  'status',
  'priorityLevel',
])
@Index('customer_applications_sync_idx', { synchronize: false })
@Index('customer_applications_returned_draft_idx', { synchronize: false })
@Index('customer_applications_scope_ids_idx', { synchronize: false })
@Check('customer_applications_status_check', `status IN (${STATUSES})`)
@Check('customer_applications_monthly_income_check', `monthly_income >= 0`)
@Check('customer_applications_requested_amount_check', `requested_amount > 0`)
@Check('customer_applications_interest_rate_check', `interest_rate >= 0 AND interest_rate <= 100`)
@Check('customer_applications_loan_amount_check', `loan_amount > 0`)
@Check('customer_applications_monthly_expenses_check', `monthly_expenses >= 0`)
@Check('customer_applications_assets_value_check', `assets_value >= 0`)
@Check('customer_applications_credit_score_check', `credit_score BETWEEN 0 AND 100`)
@Check('customer_applications_risk_category_check', `risk_category IN ('low', 'medium', 'high')`)
@Check(
  'customer_applications_priority_level_check',
  `priority_level IN ('low', 'normal', 'high', 'urgent')`,
)
export class CustomerApplication {
  /** The server chooses ids (see above); the column's default serves raw inserts. */
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) userId: string;
  @ManyToOne(() => User, { nullable: false })
  @JoinColumn(userKey('user_id'))
  officer?: User;
  @Column({ type: 'uuid', nullable: true }) customerId: string | null;
  @ManyToOne(() => Customer)
  @JoinColumn({
    name: 'customer_id',
    foreignKeyConstraintName: 'customer_applications_customer_id_fkey',
  })
  customer?: Customer | null;
  @Column({ type: 'uuid', nullable: true }) branchId: string | null;
  @ManyToOne(() => Branch)
  @JoinColumn({
    name: 'branch_id',
    foreignKeyConstraintName: 'customer_applications_branch_id_fkey',
  })
  branch?: Branch | null;
  @Column({ type: 'uuid', nullable: true }) departmentId: string | null;
  @ManyToOne(() => Department)
  @JoinColumn({
    name: 'department_id',
    foreignKeyConstraintName: 'customer_applications_department_id_fkey',
  })
  department?: Department | null;
  @Column({ type: 'varchar', length: 20, default: 'draft' }) status: ApplicationStatus;
  @Column({ type: 'uuid', nullable: true }) submittedBy: string | null;
  @ManyToOne(() => User)
  @JoinColumn(userKey('submitted_by'))
  submitter?: User | null;
  /**
   * Segregation of duties (application-lifecycle.ts `segregatedIds`): the creator, which a
   * reassign does not change, and everyone who ever submitted it, which a resubmission does not
   * replace. Server-only, never answered. No foreign keys: they exclude people, and must not
   * keep a user who has left from being deleted. `created_by` is null only on rows written
   * outside the API (the demo seed, bulk loads), whose `user_id` is still the creator; a
   * reassign fills it before it changes `user_id`.
   */
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column({ type: 'uuid', array: true, default: () => "'{}'" }) submitterIds: string[];
  @Column({ type: 'varchar', length: 3 }) currency: string;
  @Column(varchar(50)) accountId: string | null;

  @Column(varchar(50)) idCardType: string | null;
  @Column({ type: 'text', nullable: true }) idNumber: string | null;
  @Column({ type: 'char', length: 64, nullable: true }) idNumberHash: string | null;
  @Column(varchar(200)) fullNameKhmer: string | null;
  @Column(varchar(200)) fullNameLatin: string | null;
  @Column(varchar(30)) phone: string | null;
  @Column({ type: 'date', nullable: true }) dateOfBirth: string | null;
  @Column(varchar(200)) portfolioOfficerName: string | null;
  @Column({ type: 'text', nullable: true }) currentAddress: string | null;
  @Column(varchar(100)) province: string | null;
  @Column(varchar(100)) district: string | null;
  @Column(varchar(100)) commune: string | null;
  @Column(varchar(100)) village: string | null;
  @Column(varchar(100)) occupation: string | null;
  @Column(varchar(200)) employerName: string | null;
  @Column(money) monthlyIncome: string | null;
  @Column(varchar(100)) incomeSource: string | null;

  @Column(money) requestedAmount: string | null;
  @Column({ type: 'jsonb', nullable: true }) loanPurposes: string[] | null;
  @Column({ type: 'text', nullable: true }) purposeDetails: string | null;
  @Column(varchar(50)) productType: string | null;
  @Column(varchar(50)) desiredLoanTerm: string | null;
  @Column({ type: 'date', nullable: true }) requestedDisbursementDate: string | null;
  @Column({ type: 'numeric', precision: 7, scale: 4, nullable: true })
  interestRate: string | null;

  @Column(money) loanAmount: string | null;
  @Column({ type: 'text', nullable: true }) loanPurpose: string | null;
  @Column({ type: 'date', nullable: true }) loanStartDate: string | null;
  @Column({ type: 'date', nullable: true }) loanEndDate: string | null;

  @Column(varchar(200)) guarantorName: string | null;
  @Column(varchar(30)) guarantorPhone: string | null;
  @Column({ type: 'text', nullable: true }) guarantorIdNumber: string | null;
  @Column({ type: 'char', length: 64, nullable: true }) guarantorIdNumberHash: string | null;
  @Column({ type: 'text', nullable: true }) guarantorAddress: string | null;
  @Column(varchar(100)) guarantorRelationship: string | null;

  @Column({ type: 'jsonb', nullable: true }) existingLoans: ExistingLoan[] | null;
  @Column(money) monthlyExpenses: string | null;
  @Column(money) assetsValue: string | null;

  @Column({ type: 'integer', nullable: true }) creditScore: number | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) riskCategory: RiskCategory | null;
  @Column({ type: 'text', nullable: true }) assessmentNotes: string | null;
  @Column({ type: 'jsonb', nullable: true }) riskBreakdown: RiskBreakdown | null;
  @Column({ type: 'jsonb', nullable: true }) collaterals: Collateral[] | null;
  @Column({ type: 'jsonb', nullable: true }) documents:
    Record<string, string | number | null>[] | null;

  @Column({ type: 'uuid', nullable: true }) assignedReviewer: string | null;
  @ManyToOne(() => User)
  @JoinColumn(userKey('assigned_reviewer'))
  reviewer?: User | null;
  @Column({ type: 'timestamptz', nullable: true }) reviewerAssignedAt: Date | null;
  @Column({ type: 'varchar', length: 10, default: 'normal' }) priorityLevel: PriorityLevel;
  /** The list's order: urgent, then high, then the rest. */
  @Column({ type: 'smallint', ...generated, asExpression: PRIORITY_RANK })
  priorityRank?: number | null;

  @Column({ type: 'timestamptz', nullable: true }) submittedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) reviewedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) riskAssessedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) approvedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) approvedBy: string | null;
  @ManyToOne(() => User)
  @JoinColumn(userKey('approved_by'))
  approver?: User | null;
  @Column({ type: 'timestamptz', nullable: true }) rejectedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) rejectedBy: string | null;
  @ManyToOne(() => User)
  @JoinColumn(userKey('rejected_by'))
  rejecter?: User | null;
  @Column({ type: 'text', nullable: true }) rejectionReason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) disbursedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;

  /** Names, phone and officer name, for the trigram search. */
  @Column({ type: 'text', ...generated, asExpression: SEARCH_TEXT })
  searchText?: string | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
