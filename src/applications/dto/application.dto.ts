import { ApiProperty, ApiPropertyOptional, ApiSchema, IntersectionType } from '@nestjs/swagger';
import { moneyJson } from '../../common/money';
import {
  BorrowerFieldsResponseDto,
  nullableDate as date,
  nullableMoney as money,
  nullableText as text,
  nullableTime as time,
  nullableUuid as uuid,
} from '../../customers/dto/borrower-fields.dto';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../../enums/code-enums';
import { loanStatusOf } from '../lifecycle/application-lifecycle';
import type { CustomerApplication } from '../application.entity';

/** The id numbers in clear, decrypted by the service for callers who may see the application. */
export interface ClearIdNumbers {
  id_number: string | null;
  guarantor_id_number: string | null;
}

/**
 * The `status` of an answer, in lifecycle order (written out: the order the compiler would
 * give the union type is not stable).
 */
export const STATUS_PROPERTY = {
  enum: APPLICATION_STATUSES.map((status) => status.value),
} as const;

/** An application's own header and the borrower's identity (before the borrower fields). */
class ApplicationHead {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty(uuid) customer_id: string | null;
  @ApiProperty(uuid) branch_id: string | null;
  @ApiProperty(uuid) department_id: string | null;
  @ApiProperty(STATUS_PROPERTY) status: ApplicationStatus;
  @ApiProperty({ enum: ['draft', 'active', 'disbursed', 'completed'] }) loan_status: string;
  @ApiProperty(uuid) submitted_by: string | null;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty(text) account_id: string | null;
  @ApiProperty(text) id_card_type: string | null;
  @ApiProperty(text) id_number: string | null;
  @ApiProperty(text) full_name_khmer: string | null;
  @ApiProperty(text) full_name_latin: string | null;
  @ApiProperty(text) phone: string | null;
  @ApiProperty(date) date_of_birth: string | null;
  @ApiProperty(text) portfolio_officer_name: string | null;
}

/** The loan, the guarantor, the finances, the workflow and the read-only views. */
class ApplicationTail {
  @ApiProperty(money) requested_amount: number | null;
  @ApiProperty({ type: [String], nullable: true }) loan_purposes: string[] | null;
  @ApiProperty(text) purpose_details: string | null;
  @ApiProperty(text) product_type: string | null;
  @ApiProperty(text) desired_loan_term: string | null;
  @ApiProperty(date) requested_disbursement_date: string | null;
  @ApiProperty({ type: Number, nullable: true, description: '% per year' })
  interest_rate: number | null;
  @ApiProperty({ ...money, description: 'The approved amount.' }) loan_amount: number | null;
  @ApiProperty(text) loan_purpose: string | null;
  @ApiProperty(date) loan_start_date: string | null;
  @ApiProperty(date) loan_end_date: string | null;
  @ApiProperty(text) guarantor_name: string | null;
  @ApiProperty(text) guarantor_phone: string | null;
  @ApiProperty(text) guarantor_id_number: string | null;
  @ApiProperty(text) guarantor_address: string | null;
  @ApiProperty(text) guarantor_relationship: string | null;
  @ApiProperty({ type: [Object], nullable: true }) existing_loans: unknown[] | null;
  @ApiProperty(money) monthly_expenses: number | null;
  @ApiProperty(money) assets_value: number | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 100 })
  credit_score: number | null;
  @ApiProperty({ enum: ['low', 'medium', 'high'], nullable: true }) risk_category: string | null;
  @ApiProperty(text) assessment_notes: string | null;
  @ApiProperty({ type: Object, nullable: true }) risk_breakdown: unknown;
  @ApiProperty({ type: [Object], nullable: true }) collaterals: unknown[] | null;
  @ApiProperty({ type: [Object], nullable: true }) documents: unknown[] | null;
  @ApiProperty(uuid) assigned_reviewer: string | null;
  @ApiProperty({ enum: ['low', 'normal', 'high', 'urgent'] }) priority_level: string;
  @ApiProperty(time) submitted_at: Date | null;
  @ApiProperty(time) reviewed_at: Date | null;
  @ApiProperty(time) risk_assessed_at: Date | null;
  @ApiProperty(time) approved_at: Date | null;
  @ApiProperty(uuid) approved_by: string | null;
  @ApiProperty(time) rejected_at: Date | null;
  @ApiProperty(uuid) rejected_by: string | null;
  @ApiProperty(text) rejection_reason: string | null;
  @ApiProperty(time) disbursed_at: Date | null;
  @ApiProperty(time) completed_at: Date | null;
  @ApiProperty(time) withdrawn_at: Date | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) created_at: Date;
  @ApiProperty({ format: 'date-time' }) updated_at: Date;
  @ApiPropertyOptional({ type: Object, description: 'Read-only view of the borrower fields.' })
  borrower_info: Record<string, unknown>;
  @ApiPropertyOptional({ type: Object, description: 'Read-only view of the loan fields.' })
  loan_details: Record<string, unknown>;
  @ApiPropertyOptional({ type: Object, description: 'Read-only view of the guarantor fields.' })
  guarantor_info: Record<string, unknown>;
  @ApiPropertyOptional({ type: Object, description: 'Read-only view of the financial fields.' })
  financial_data: Record<string, unknown>;
}

/** An application as the API answers it (SPEC §5): the columns, the nested views, loan_status. */
@ApiSchema({ name: 'ApplicationResponse' })
export class ApplicationDto extends IntersectionType(
  ApplicationHead,
  BorrowerFieldsResponseDto,
  ApplicationTail,
) {}

const moneyItems = <T extends Record<string, unknown>>(items: T[] | null, fields: string[]) =>
  items?.map((item) => {
    const copy: Record<string, unknown> = { ...item };
    for (const name of fields) {
      if (typeof copy[name] === 'string') copy[name] = moneyJson(copy[name] as string);
    }
    return copy;
  }) ?? null;

/**
 * The response of an application: its columns under their API names, id numbers in clear and
 * money as JSON numbers. Ciphertext, hashes, the generated columns and the segregation-of-duties
 * columns (`created_by`, `submitter_ids`: who submitted is in the history) never leave the server.
 */
export function toApplicationResponse(
  row: CustomerApplication,
  clear: ClearIdNumbers,
): ApplicationDto {
  const response = {
    id: row.id,
    user_id: row.userId,
    customer_id: row.customerId,
    branch_id: row.branchId,
    department_id: row.departmentId,
    status: row.status,
    submitted_by: row.submittedBy,
    currency: row.currency,
    account_id: row.accountId,
    id_card_type: row.idCardType,
    id_number: clear.id_number,
    full_name_khmer: row.fullNameKhmer,
    full_name_latin: row.fullNameLatin,
    phone: row.phone,
    date_of_birth: row.dateOfBirth,
    portfolio_officer_name: row.portfolioOfficerName,
    current_address: row.currentAddress,
    province: row.province,
    district: row.district,
    commune: row.commune,
    village: row.village,
    occupation: row.occupation,
    employer_name: row.employerName,
    monthly_income: moneyJson(row.monthlyIncome),
    income_source: row.incomeSource,
    requested_amount: moneyJson(row.requestedAmount),
    loan_purposes: row.loanPurposes,
    purpose_details: row.purposeDetails,
    product_type: row.productType,
    desired_loan_term: row.desiredLoanTerm,
    requested_disbursement_date: row.requestedDisbursementDate,
    interest_rate: moneyJson(row.interestRate),
    loan_amount: moneyJson(row.loanAmount),
    loan_purpose: row.loanPurpose,
    loan_start_date: row.loanStartDate,
    loan_end_date: row.loanEndDate,
    guarantor_name: row.guarantorName,
    guarantor_phone: row.guarantorPhone,
    guarantor_id_number: clear.guarantor_id_number,
    guarantor_address: row.guarantorAddress,
    guarantor_relationship: row.guarantorRelationship,
    existing_loans: moneyItems(row.existingLoans as Record<string, unknown>[] | null, [
      'outstanding_balance',
      'monthly_payment',
    ]),
    monthly_expenses: moneyJson(row.monthlyExpenses),
    assets_value: moneyJson(row.assetsValue),
    credit_score: row.creditScore,
    risk_category: row.riskCategory,
    assessment_notes: row.assessmentNotes,
    risk_breakdown: row.riskBreakdown,
    collaterals: moneyItems(row.collaterals as Record<string, unknown>[] | null, [
      'estimated_value',
    ]),
    documents: row.documents,
    assigned_reviewer: row.assignedReviewer,
    priority_level: row.priorityLevel,
    submitted_at: row.submittedAt,
    reviewed_at: row.reviewedAt,
    risk_assessed_at: row.riskAssessedAt,
    approved_at: row.approvedAt,
    approved_by: row.approvedBy,
    rejected_at: row.rejectedAt,
    rejected_by: row.rejectedBy,
    rejection_reason: row.rejectionReason,
    disbursed_at: row.disbursedAt,
    completed_at: row.completedAt,
    withdrawn_at: row.withdrawnAt,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    loan_status: loanStatusOf(row.status),
  };
  const pick = (names: (keyof typeof response)[]) =>
    Object.fromEntries(names.map((name) => [name, response[name]]));
  return {
    ...response,
    borrower_info: pick([
      'id_card_type',
      'id_number',
      'full_name_khmer',
      'full_name_latin',
      'phone',
      'date_of_birth',
      'portfolio_officer_name',
      'current_address',
      'province',
      'district',
      'commune',
      'village',
      'occupation',
      'employer_name',
      'monthly_income',
      'income_source',
    ]),
    loan_details: pick([
      'currency',
      'requested_amount',
      'loan_purposes',
      'purpose_details',
      'product_type',
      'desired_loan_term',
      'requested_disbursement_date',
      'interest_rate',
      'loan_amount',
      'loan_purpose',
      'loan_start_date',
      'loan_end_date',
      'loan_status',
    ]),
    guarantor_info: pick([
      'guarantor_name',
      'guarantor_phone',
      'guarantor_id_number',
      'guarantor_address',
      'guarantor_relationship',
    ]),
    financial_data: pick([
      'monthly_income',
      'monthly_expenses',
      'assets_value',
      'existing_loans',
      'collaterals',
      'credit_score',
      'risk_category',
      'risk_breakdown',
    ]),
  };
}
