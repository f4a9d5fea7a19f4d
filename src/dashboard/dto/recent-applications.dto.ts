import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { ToInteger } from '../../common/http/transforms';
import type { RecentApplicationRow } from '../../applications/reads/application-dashboard-stats';
import { moneyJson } from '../../common/money';

export const MAX_RECENT_APPLICATIONS = 50;

export class RecentApplicationsQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_RECENT_APPLICATIONS,
    default: 5,
  })
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_RECENT_APPLICATIONS)
  limit: number = 5;
}

const nullableText = { type: String, nullable: true } as const;

@ApiSchema({ name: 'DashboardRecentApplication' })
export class RecentApplicationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty(nullableText) full_name_latin: string | null;
  @ApiProperty(nullableText) full_name_khmer: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 5000 }) requested_amount: number | null;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 'draft' }) status: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: Date;
  @ApiProperty({ format: 'uuid', description: 'The owning officer' }) user_id: string;
  @ApiProperty(nullableText) phone: string | null;
  @ApiProperty(nullableText) portfolio_officer_name: string | null;
}

export function toRecentApplication(row: RecentApplicationRow): RecentApplicationDto {
  return { ...row, requested_amount: moneyJson(row.requested_amount) };
}
