import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import type { ApplicationEnumOptions } from '../../enums/code-enums';
import { EnumOptionDto } from '../../enums/dto/enums.dto';

const list = (description: string): ApiPropertyOptions => ({ type: [EnumOptionDto], description });

/** `GET /applications/enums/options`: the lists of `/enums/all` an application form needs. */
export class ApplicationEnumOptionsDto implements ApplicationEnumOptions {
  @ApiProperty(list('From the `catalog.id_card_types` setting')) id_card_types: EnumOptionDto[];
  @ApiProperty(list('draft, active, disbursed, completed, defaulted'))
  loan_statuses: EnumOptionDto[];
  @ApiProperty(list('From the `catalog.loan_purposes` setting')) loan_purposes: EnumOptionDto[];
  @ApiProperty(list('From the `catalog.product_types` setting')) product_types: EnumOptionDto[];
  @ApiProperty(list('low, medium, high')) risk_categories: EnumOptionDto[];
  @ApiProperty(list('low, normal, high, urgent')) priority_levels: EnumOptionDto[];
  @ApiProperty(list('The statuses of SPEC §6')) application_statuses: EnumOptionDto[];
  @ApiProperty(list('From the `catalog.loan_terms` setting')) loan_terms: EnumOptionDto[];
  @ApiProperty(list('submitted, initial_review, credit_check, approval_pending'))
  workflow_stages: EnumOptionDto[];
}
