import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListQuery } from '../../common/http/list-query';

export const POSITION_SORTS = ['name', 'created_at', 'updated_at'] as const;

export class ListPositionsQuery extends ListQuery {
  @ApiPropertyOptional({ enum: POSITION_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(POSITION_SORTS)
  sort_by?: (typeof POSITION_SORTS)[number];
}
