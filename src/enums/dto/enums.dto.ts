import { ApiProperty } from '@nestjs/swagger';
import type { AllEnums } from '../code-enums';

export class EnumOptionDto {
  @ApiProperty({ example: 'monthly_loan', description: 'What the API takes and returns' })
  value: string;
  @ApiProperty({ example: 'បង់ប្រចាំខែ', description: 'What a person reads' })
  label: string;
}

const CATALOGUE = (key: string) =>
  `From the \`catalog.${key}\` setting (admins edit it; the change shows at once).`;

/** `GET /enums/all`. */
export class AllEnumsDto implements AllEnums {
  @ApiProperty({ type: [EnumOptionDto], description: CATALOGUE('id_card_types') })
  idCardTypes: EnumOptionDto[];
  @ApiProperty({
    type: [EnumOptionDto],
    description: 'draft, active, disbursed, completed, defaulted',
  })
  loanStatuses: EnumOptionDto[];
  @ApiProperty({ type: [EnumOptionDto], description: CATALOGUE('loan_purposes') })
  loanPurposes: EnumOptionDto[];
  @ApiProperty({ type: [EnumOptionDto], description: CATALOGUE('product_types') })
  productTypes: EnumOptionDto[];
  @ApiProperty({ type: [EnumOptionDto], description: 'low, medium, high' })
  riskCategories: EnumOptionDto[];
  @ApiProperty({ type: [EnumOptionDto], description: 'low, normal, high, urgent' })
  priorityLevels: EnumOptionDto[];
  @ApiProperty({
    type: [EnumOptionDto],
    description:
      'draft, submitted, initial_review, credit_check, approval_pending, approved, rejected, ' +
      'disbursed, completed, withdrawn',
  })
  applicationStatuses: EnumOptionDto[];
  @ApiProperty({ type: [EnumOptionDto], description: 'admin, manager, officer, viewer' })
  roles: EnumOptionDto[];
  @ApiProperty({ type: [EnumOptionDto], description: CATALOGUE('document_types') })
  documentTypes: EnumOptionDto[];
  @ApiProperty({
    type: [EnumOptionDto],
    description:
      'submitted, initial_review, credit_check, approval_pending: the statuses in which an ' +
      'application waits on the institution between submit and a decision, in order',
  })
  workflowStages: EnumOptionDto[];
  @ApiProperty({ type: [EnumOptionDto], description: CATALOGUE('loan_terms') })
  loanTerms: EnumOptionDto[];
  @ApiProperty({ type: [EnumOptionDto], description: CATALOGUE('currencies') })
  currencies: EnumOptionDto[];
}
