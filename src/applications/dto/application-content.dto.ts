import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import {
  DateField,
  field,
  MoneyField,
  PhoneField,
  refuseServerFields,
  TextField,
} from '../../common/http/fields';
import { EmptyToNull } from '../../common/http/transforms';
import { CatalogField, InCatalog } from '../../settings/in-catalog';
import { BorrowerFieldsDto } from '../../customers/dto/borrower-fields.dto';
import { PRIORITY_LEVELS } from '../../enums/code-enums';

const PRIORITIES = PRIORITY_LEVELS.map((level) => level.value);

/**
 * In a field that always has a value (currency, priority_level), `""` from a blank form field
 * means "not given" (SPEC §3): left out, so create uses the default and an update keeps the value.
 */
const BlankToUndefined = () =>
  Transform(({ value }) => (typeof value === 'string' && value.trim() === '' ? undefined : value));

/** The interest rate, % per year: 0-100 with up to four decimals (kept as decimal text). */
export const InterestRateField = () =>
  field(
    'nullable',
    { type: Number, minimum: 0, maximum: 100, example: 18, description: '% per year' },
    Transform(({ value }) => (typeof value === 'number' ? String(value) : value)),
    ValidateBy({
      name: 'isInterestRate',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^\d{1,3}(\.\d{1,4})?$/.test(value) && Number(value) <= 100,
        defaultMessage: () => 'must be a percentage from 0 to 100 with at most four decimals',
      },
    }),
  );

export class ExistingLoanDto {
  @TextField('nullable', 200) lender?: string | null;
  @MoneyField('nullable') outstanding_balance?: string | null;
  @MoneyField('nullable') monthly_payment?: string | null;
}

export class CollateralDto {
  @TextField('required', 100, { example: 'land' }) type: string;
  @TextField('nullable', 2000) description?: string | null;
  @MoneyField('nullable') estimated_value?: string | null;
  @ApiPropertyOptional({ type: [Object], maxItems: 50, description: 'Free-form references.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  documents?: unknown[];
}

/** A document reference kept on the application by the client (the server's own record is files). */
export class DocumentReferenceDto {
  @TextField('nullable', 50) type?: string | null;
  @TextField('nullable', 50) role?: string | null;
  @TextField('nullable', 100) file_id?: string | null;
  @TextField('nullable', 255) filename?: string | null;
  @TextField('nullable', 255) original_filename?: string | null;
  @TextField('nullable', 100) mime_type?: string | null;
  @ApiPropertyOptional({ type: Number, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  size?: number | null;
  @TextField('nullable', 40) uploaded_at?: string | null;
}

const listOf = <T>(type: new () => T, max: number, description: string) =>
  field(
    'nullable',
    { type: [type], maxItems: max, description },
    IsArray(),
    ArrayMaxSize(max),
    ValidateNested({ each: true }),
    IsObject({ each: true }),
    Type(() => type),
  );

/** The application's own header and the borrower's identity (before the borrower fields). */
class ApplicationHeadFields {
  @BlankToUndefined()
  @CatalogField('optional', 'currencies', 'USD')
  currency?: string;
  @TextField('nullable', 50) account_id?: string | null;

  @CatalogField('nullable', 'id_card_types', 'cambodian_identity') id_card_type?: string | null;
  @TextField('nullable', 50, {
    description: 'Stored encrypted; links the application to the customer with this id.',
  })
  id_number?: string | null;
  @TextField('nullable', 200) full_name_khmer?: string | null;
  @TextField('nullable', 200) full_name_latin?: string | null;
  @PhoneField('nullable') phone?: string | null;
  @DateField('nullable') date_of_birth?: string | null;
  @TextField('nullable', 200) portfolio_officer_name?: string | null;
}

/** The loan, the guarantor, the finances and the priority (after the borrower fields). */
class ApplicationLoanFields {
  @MoneyField('nullable', { positive: true }) requested_amount?: string | null;
  @ApiPropertyOptional({ type: [String], nullable: true, maxItems: 20, example: ['commerce'] })
  @EmptyToNull()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @InCatalog('loan_purposes', { each: true })
  loan_purposes?: string[] | null;
  @TextField('nullable', 2000) purpose_details?: string | null;
  @CatalogField('nullable', 'product_types', 'monthly_loan') product_type?: string | null;
  @CatalogField('nullable', 'loan_terms', '12_months') desired_loan_term?: string | null;
  @DateField('nullable') requested_disbursement_date?: string | null;
  @InterestRateField() interest_rate?: string | null;
  @TextField('nullable', 500) loan_purpose?: string | null;

  @TextField('nullable', 200) guarantor_name?: string | null;
  @PhoneField('nullable') guarantor_phone?: string | null;
  @TextField('nullable', 50, { description: 'Stored encrypted.' })
  guarantor_id_number?: string | null;
  @TextField('nullable', 1000) guarantor_address?: string | null;
  @TextField('nullable', 100) guarantor_relationship?: string | null;

  @listOf(ExistingLoanDto, 50, 'Loans the borrower already has.')
  existing_loans?: ExistingLoanDto[] | null;
  @MoneyField('nullable') monthly_expenses?: string | null;
  @MoneyField('nullable') assets_value?: string | null;
  @TextField('nullable', 5000) assessment_notes?: string | null;
  @listOf(CollateralDto, 50, 'Collateral offered.') collaterals?: CollateralDto[] | null;
  @listOf(DocumentReferenceDto, 200, "The client's own list of documents.")
  documents?: DocumentReferenceDto[] | null;

  @BlankToUndefined()
  @field(
    'optional',
    { enum: PRIORITIES, default: 'normal' },
    IsIn(PRIORITIES, {
      message: `must be one of ${PRIORITIES.join(', ')}`,
    }),
  )
  priority_level?: string;
}

/**
 * The fields of an application a client writes (SPEC §5), for POST and for the partial
 * updates of PUT/PATCH alike: every field may be left out, and `""` or null clears it. What
 * the submit needs is checked at submit (setting `required_application_fields`). Fields only
 * the server writes are refused by name (see SERVER_FIELDS).
 */
export class ApplicationContentDto extends IntersectionType(
  ApplicationHeadFields,
  BorrowerFieldsDto,
  ApplicationLoanFields,
) {}

/** Fields only the server writes (SPEC §5): a body that sets one is 422, naming it. */
export const SERVER_FIELDS = [
  'id',
  'user_id',
  'customer_id',
  'branch_id',
  'department_id',
  'status',
  'submitted_by',
  'submitter_ids',
  'created_by',
  'submitted_at',
  'credit_score',
  'risk_category',
  'risk_breakdown',
  'assigned_reviewer',
  'reviewer_assigned_at',
  'reviewed_at',
  'risk_assessed_at',
  'approved_at',
  'approved_by',
  'rejected_at',
  'rejected_by',
  'rejection_reason',
  'disbursed_at',
  'completed_at',
  'withdrawn_at',
  'loan_amount',
  'loan_start_date',
  'loan_end_date',
  'loan_status',
  'version',
  'created_at',
  'updated_at',
] as const;

refuseServerFields(ApplicationContentDto, SERVER_FIELDS, ' (use the workflow routes)');
