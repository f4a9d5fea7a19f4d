import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { OrgListQueryDto } from '../../organisation/org-list-query';

export const POSITION_SORTS = ['name', 'created_at', 'updated_at'] as const;

export class ListPositionsQueryDto extends OrgListQueryDto {
  @ApiPropertyOptional({ enum: POSITION_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(POSITION_SORTS)
  sort_by?: (typeof POSITION_SORTS)[number];
}
