import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { ListQuery } from '../common/http/list-query';
import { ToBoolean } from '../common/http/transforms';

export const UNIT_SORTS = ['name', 'code', 'created_at', 'updated_at'] as const;

/** Departments and branches: the list filters plus `manager_id`, `sort_by`, `include_counts`. */
export class UnitListQuery extends ListQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  manager_id?: string;

  @ApiPropertyOptional({ enum: UNIT_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(UNIT_SORTS)
  sort_by?: (typeof UNIT_SORTS)[number];

  @ApiPropertyOptional({
    description:
      'Add `user_count`, `active_user_count` and `application_count` to each item (one grouped ' +
      'query each for users and applications), counting only the users you may list and the ' +
      'applications you may read.',
    default: false,
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  include_counts?: boolean;
}
