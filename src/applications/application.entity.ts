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
 * A loan application (table `customer_applications`). Properties are named as the API's
 * fields (snake_case), so the contract's field lists map one to one. `id_number` and
 * `guarantor_id_number` hold ciphertext (FieldCipher, authenticated with the row id) and the
 * `*_hash` columns their blind indexes. `search_text` and `priority_rank` are generated
 * columns the list queries use; they are never written, nor read unless asked.
 *
 * The decorators mirror migrations Applications1764547200000 and SegregationOfDuties so that
 * `migration:generate` finds no difference; the relations exist for that (they are never loaded unless asked).
 */
@Entity('customer_applications')
@Index('customer_applications_order_idx', { synchronize: false })
@Index('customer_applications_branch_order_idx', { synchronize: false })
@Index('customer_applications_department_order_idx', { synchronize: false })
@Index('customer_applications_user_order_idx', { synchronize: false })
@Index('customer_applications_reviewer_status_idx', [
  'assigned_reviewer',
  'status',
  'reviewer_assigned_at',
])
@Index('customer_applications_status_idx', { synchronize: false })
@Index('customer_applications_customer_id_idx', { synchronize: false })
@Index('customer_applications_created_at_idx', { synchronize: false })
@Index('customer_applications_updated_at_idx', ['updated_at'])
@Index('customer_applications_risk_category_idx', ['risk_category'])
@Index('customer_applications_product_type_idx', ['product_type'])
@Index('customer_applications_currency_idx', ['currency'])
@Index('customer_applications_account_id_idx', ['account_id'])
@Index('customer_applications_requested_amount_idx', ['requested_amount'])
@Index('customer_applications_id_number_hash_idx', ['id_number_hash'])
@Index('customer_applications_submitted_by_idx', ['submitted_by'])
@Index('customer_applications_approved_by_idx', ['approved_by'])
@Index('customer_applications_rejected_by_idx', ['rejected_by'])
@Index('customer_applications_search_trgm_idx', { synchronize: false })
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
  @Column({ type: 'uuid' }) user_id: string;
  @ManyToOne(() => User, { nullable: false })
  @JoinColumn(userKey('user_id'))
  officer?: User;
  @Column({ type: 'uuid', nullable: true }) customer_id: string | null;
  @ManyToOne(() => Customer)
  @JoinColumn({
    name: 'customer_id',
    foreignKeyConstraintName: 'customer_applications_customer_id_fkey',
  })
  customer?: Customer | null;
  @Column({ type: 'uuid', nullable: true }) branch_id: string | null;
  @ManyToOne(() => Branch)
  @JoinColumn({
    name: 'branch_id',
    foreignKeyConstraintName: 'customer_applications_branch_id_fkey',
  })
  branch?: Branch | null;
  @Column({ type: 'uuid', nullable: true }) department_id: string | null;
  @ManyToOne(() => Department)
  @JoinColumn({
    name: 'department_id',
    foreignKeyConstraintName: 'customer_applications_department_id_fkey',
  })
  department?: Department | null;
  @Column({ type: 'varchar', length: 20, default: 'draft' }) status: ApplicationStatus;
  @Column({ type: 'uuid', nullable: true }) submitted_by: string | null;
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
  @Column({ type: 'uuid', nullable: true }) created_by: string | null;
  @Column({ type: 'uuid', array: true, default: () => "'{}'" }) submitter_ids: string[];
  @Column({ type: 'varchar', length: 3 }) currency: string;
  @Column(varchar(50)) account_id: string | null;

  @Column(varchar(50)) id_card_type: string | null;
  @Column({ type: 'text', nullable: true }) id_number: string | null;
  @Column({ type: 'char', length: 64, nullable: true }) id_number_hash: string | null;
  @Column(varchar(200)) full_name_khmer: string | null;
  @Column(varchar(200)) full_name_latin: string | null;
  @Column(varchar(30)) phone: string | null;
  @Column({ type: 'date', nullable: true }) date_of_birth: string | null;
  @Column(varchar(200)) portfolio_officer_name: string | null;
  @Column({ type: 'text', nullable: true }) current_address: string | null;
  @Column(varchar(100)) province: string | null;
  @Column(varchar(100)) district: string | null;
  @Column(varchar(100)) commune: string | null;
  @Column(varchar(100)) village: string | null;
  @Column(varchar(100)) occupation: string | null;
  @Column(varchar(200)) employer_name: string | null;
  @Column(money) monthly_income: string | null;
  @Column(varchar(100)) income_source: string | null;

  @Column(money) requested_amount: string | null;
  @Column({ type: 'jsonb', nullable: true }) loan_purposes: string[] | null;
  @Column({ type: 'text', nullable: true }) purpose_details: string | null;
  @Column(varchar(50)) product_type: string | null;
  @Column(varchar(50)) desired_loan_term: string | null;
  @Column({ type: 'date', nullable: true }) requested_disbursement_date: string | null;
  @Column({ type: 'numeric', precision: 7, scale: 4, nullable: true })
  interest_rate: string | null;

  @Column(money) loan_amount: string | null;
  @Column({ type: 'text', nullable: true }) loan_purpose: string | null;
  @Column({ type: 'date', nullable: true }) loan_start_date: string | null;
  @Column({ type: 'date', nullable: true }) loan_end_date: string | null;

  @Column(varchar(200)) guarantor_name: string | null;
  @Column(varchar(30)) guarantor_phone: string | null;
  @Column({ type: 'text', nullable: true }) guarantor_id_number: string | null;
  @Column({ type: 'char', length: 64, nullable: true }) guarantor_id_number_hash: string | null;
  @Column({ type: 'text', nullable: true }) guarantor_address: string | null;
  @Column(varchar(100)) guarantor_relationship: string | null;

  @Column({ type: 'jsonb', nullable: true }) existing_loans: ExistingLoan[] | null;
  @Column(money) monthly_expenses: string | null;
  @Column(money) assets_value: string | null;

  @Column({ type: 'integer', nullable: true }) credit_score: number | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) risk_category: RiskCategory | null;
  @Column({ type: 'text', nullable: true }) assessment_notes: string | null;
  @Column({ type: 'jsonb', nullable: true }) risk_breakdown: RiskBreakdown | null;
  @Column({ type: 'jsonb', nullable: true }) collaterals: Collateral[] | null;
  @Column({ type: 'jsonb', nullable: true }) documents:
    Record<string, string | number | null>[] | null;

  @Column({ type: 'uuid', nullable: true }) assigned_reviewer: string | null;
  @ManyToOne(() => User)
  @JoinColumn(userKey('assigned_reviewer'))
  reviewer?: User | null;
  @Column({ type: 'timestamptz', nullable: true }) reviewer_assigned_at: Date | null;
  @Column({ type: 'varchar', length: 10, default: 'normal' }) priority_level: PriorityLevel;
  /** The list's order: urgent, then high, then the rest. */
  @Column({ type: 'smallint', ...generated, asExpression: PRIORITY_RANK })
  priority_rank?: number | null;

  @Column({ type: 'timestamptz', nullable: true }) submitted_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) reviewed_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) risk_assessed_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) approved_at: Date | null;
  @Column({ type: 'uuid', nullable: true }) approved_by: string | null;
  @ManyToOne(() => User)
  @JoinColumn(userKey('approved_by'))
  approver?: User | null;
  @Column({ type: 'timestamptz', nullable: true }) rejected_at: Date | null;
  @Column({ type: 'uuid', nullable: true }) rejected_by: string | null;
  @ManyToOne(() => User)
  @JoinColumn(userKey('rejected_by'))
  rejecter?: User | null;
  @Column({ type: 'text', nullable: true }) rejection_reason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) disbursed_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) completed_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) withdrawn_at: Date | null;

  /** Names, phone and officer name, for the trigram search. */
  @Column({ type: 'text', ...generated, asExpression: SEARCH_TEXT })
  search_text?: string | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) created_at: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updated_at: Date;
}
