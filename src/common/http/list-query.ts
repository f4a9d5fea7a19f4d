import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { escapeLike } from '../escape-like';
import { SearchField, UpdatedSinceField } from './fields';
import { PageQuery } from './pagination';
import { ValidationProblem } from './problem';
import { ToBoolean } from './transforms';

/**
 * The filters of a list of records that can be active or not (departments, branches,
 * positions): `search`, `is_active` (or `status`), `updated_since` and `sort_order`, on top of
 * `page` and `size`. Each list adds its own `sort_by` allow-list and any filter of its own.
 */
export class ListQuery extends PageQuery {
  @SearchField('Case-insensitive substring of the name (departments and branches: or of the code).')
  search?: string | null;

  @ApiPropertyOptional({ description: '`true` or `false`.' })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({
    enum: ['active', 'inactive'],
    description: 'Same meaning as `is_active`; both given and disagreeing is 422.',
  })
  @IsOptional()
  @IsIn(['active', 'inactive'])
  status?: 'active' | 'inactive';

  @UpdatedSinceField()
  updated_since?: Date | null;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsOptional()
  @IsIn(['asc', 'desc'])
  sort_order?: 'asc' | 'desc';
}

/** `is_active` and `status` say the same thing; both given must agree. */
export function activeFilter(query: ListQuery): boolean | undefined {
  const fromStatus = query.status === undefined ? undefined : query.status === 'active';
  if (query.is_active !== undefined && fromStatus !== undefined && query.is_active !== fromStatus) {
    throw new ValidationProblem([
      {
        loc: ['query', 'status'],
        msg: `disagrees with is_active=${query.is_active}; give one of them`,
        type: 'conflict',
      },
    ]);
  }
  return query.is_active ?? fromStatus;
}

/**
 * Adds the filters of a ListQuery to a query over `alias`: `search` (ILIKE on the given
 * columns), `is_active`/`status` and `updated_since`.
 */
export function applyListFilters<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  query: ListQuery,
  searchColumns: string[],
): SelectQueryBuilder<T> {
  if (query.search) {
    const matches = searchColumns.map((column) => `${alias}.${column} ILIKE :search ESCAPE '\\'`);
    qb.andWhere(`(${matches.join(' OR ')})`, { search: `%${escapeLike(query.search)}%` });
  }
  const isActive = activeFilter(query);
  if (isActive !== undefined) qb.andWhere(`${alias}.is_active = :isActive`, { isActive });
  if (query.updated_since) {
    qb.andWhere(`${alias}.updated_at >= :updatedSince`, { updatedSince: query.updated_since });
  }
  return qb;
}

/**
 * Orders by a text column (`name`, `code`) ignoring case (the database collation is bytewise),
 * or by a time, then by id so that pages never overlap.
 */
export function applyListSort<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  sortBy: string,
  sortOrder: 'asc' | 'desc' = 'asc',
): SelectQueryBuilder<T> {
  const direction = sortOrder === 'desc' ? 'DESC' : 'ASC';
  const column = `${alias}.${sortBy}`;
  const isText = sortBy === 'name' || sortBy === 'code';
  return qb
    .orderBy(isText ? `lower(${column})` : column, direction)
    .addOrderBy(`${alias}.id`, direction);
}
