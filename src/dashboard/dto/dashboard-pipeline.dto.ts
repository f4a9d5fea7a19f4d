import { ApiProperty, ApiSchema } from '@nestjs/swagger';

const money = (description: string) => ({ type: Number, example: 15000.5, description });

/** The amounts of one group in one currency (currencies are never added together). */
@ApiSchema({ name: 'PipelineAmounts' })
export class PipelineAmountsDto {
  @ApiProperty({ example: 'USD', description: 'ISO 4217 code' }) currency: string;
  @ApiProperty(money('Sum of the requested amounts (2 decimals; 0 when none)'))
  requested: number;
  @ApiProperty(money('Sum of the approved amounts, `loan_amount` (2 decimals; 0 when none)'))
  approved: number;
}

/** What every entry carries besides its key. */
export class PipelineFiguresDto {
  @ApiProperty({ description: 'Applications in the group, all currencies together' })
  count: number;
  @ApiProperty({
    type: [PipelineAmountsDto],
    description: 'Per currency present in the group, by currency code',
  })
  amounts: PipelineAmountsDto[];
}

@ApiSchema({ name: 'PipelineStatusEntry' })
export class PipelineStatusEntryDto extends PipelineFiguresDto {
  @ApiProperty({ example: 'initial_review' }) status: string;
}

@ApiSchema({ name: 'PipelineBranchEntry' })
export class PipelineBranchEntryDto extends PipelineFiguresDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null: no branch' })
  branch_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Phnom Penh' })
  branch_name: string | null;
}

@ApiSchema({ name: 'PipelineOfficerEntry' })
export class PipelineOfficerEntryDto extends PipelineFiguresDto {
  @ApiProperty({ format: 'uuid', description: 'The creating officer (`user_id`)' })
  user_id: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Dara Sok',
    description: 'First and last name (the username when both are blank); null if the user is gone',
  })
  officer_name: string | null;
}

@ApiSchema({ name: 'PipelineProductEntry' })
export class PipelineProductEntryDto extends PipelineFiguresDto {
  @ApiProperty({ type: String, nullable: true, example: 'monthly_loan', description: 'Null: none' })
  product_type: string | null;
}

/** `GET /dashboard/pipeline`. */
@ApiSchema({ name: 'DashboardPipeline' })
export class DashboardPipelineDto {
  @ApiProperty({
    type: [PipelineStatusEntryDto],
    description: 'Every status of the lifecycle, in its order (count 0 and no amounts when none)',
  })
  by_status: PipelineStatusEntryDto[];
  @ApiProperty({ type: [PipelineBranchEntryDto], description: 'Most applications first' })
  by_branch: PipelineBranchEntryDto[];
  @ApiProperty({ type: [PipelineOfficerEntryDto], description: 'Most applications first' })
  by_officer: PipelineOfficerEntryDto[];
  @ApiProperty({ type: [PipelineProductEntryDto], description: 'Most applications first' })
  by_product: PipelineProductEntryDto[];
}
