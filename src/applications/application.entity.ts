import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { ApplicationStatus, PriorityLevel, RiskCategory } from '../enums/code-enums';

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

/**
 * A loan application (table `customer_applications`). Properties are named as the API's
 * fields (snake_case), so the contract's field lists map one to one. `id_number` and
 * `guarantor_id_number` hold ciphertext (FieldCipher, authenticated with the row id) and the
 * `*_hash` columns their blind indexes. `search_text` and `priority_rank` are generated
 * columns the list queries use; they are never written.
 */
@Entity('customer_applications')
export class CustomerApplication {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'uuid' }) user_id: string;
  @Column({ type: 'uuid', nullable: true }) customer_id: string | null;
  @Column({ type: 'uuid', nullable: true }) branch_id: string | null;
  @Column({ type: 'uuid', nullable: true }) department_id: string | null;
  @Column({ type: 'varchar', length: 20, default: 'draft' }) status: ApplicationStatus;
  @Column({ type: 'uuid', nullable: true }) submitted_by: string | null;
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
  @Column({ type: 'timestamptz', nullable: true }) reviewer_assigned_at: Date | null;
  @Column({ type: 'varchar', length: 10, default: 'normal' }) priority_level: PriorityLevel;

  @Column({ type: 'timestamptz', nullable: true }) submitted_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) reviewed_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) risk_assessed_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) approved_at: Date | null;
  @Column({ type: 'uuid', nullable: true }) approved_by: string | null;
  @Column({ type: 'timestamptz', nullable: true }) rejected_at: Date | null;
  @Column({ type: 'uuid', nullable: true }) rejected_by: string | null;
  @Column({ type: 'text', nullable: true }) rejection_reason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) disbursed_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) completed_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) withdrawn_at: Date | null;

  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) created_at: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updated_at: Date;
}
