import { ApiProperty, getSchemaPath, ApiSchema } from '@nestjs/swagger';

const amount = (description: string) => ({ type: Number, example: 1500.5, description });

/** Figures over `requested_amount`, exact in SQL (numeric), sent as JSON numbers. */
@ApiSchema({ name: 'AmountFigures' })
export class AmountFiguresDto {
  @ApiProperty({ description: 'Applications counted (with or without a requested amount)' })
  total_applications: number;
  @ApiProperty(amount('Sum of the requested amounts; 0 when none'))
  total_amount: number;
  @ApiProperty(
    amount('Mean of the requested amounts given, rounded to 2 decimals in SQL; 0 when none'),
  )
  average_amount: number;
  @ApiProperty(amount('Smallest requested amount; 0 when none')) min_amount: number;
  @ApiProperty(amount('Largest requested amount; 0 when none')) max_amount: number;
}

@ApiSchema({ name: 'AmountStatistics' })
export class AmountStatisticsDto extends AmountFiguresDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(AmountFiguresDto) },
    example: { USD: { total_applications: 2, total_amount: 15000.5 } },
    description:
      'The same figures per currency (ISO 4217). The figures above add every currency together, ' +
      'which is meaningful only when the applications share one currency: read these otherwise.',
  })
  by_currency: Record<string, AmountFiguresDto>;
}

/** `GET /applications/stats`: counts and amounts over the caller's scope and the filters. */
@ApiSchema({ name: 'ApplicationStats' })
export class ApplicationStatsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { draft: 3, submitted: 1, approved: 0 },
    description: 'Applications per status; every status is present (0 when none)',
  })
  status_distribution: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { low: 2, medium: 1, high: 0, unassessed: 4 },
    description:
      'Applications per risk category: low, medium and high always present; `unassessed` ' +
      'counts those without a risk assessment',
  })
  risk_distribution: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { monthly_loan: 5, weekly_loan: 1 },
    description: 'Applications per product type, for the product types present (none: not counted)',
  })
  product_distribution: Record<string, number>;
  @ApiProperty({ type: AmountStatisticsDto }) amount_statistics: AmountStatisticsDto;
}
