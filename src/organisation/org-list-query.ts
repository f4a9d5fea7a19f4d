import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { escapeLike } from '../common/escape-like';
import { SearchField, UpdatedSinceField } from '../common/http/fields';
import { PageQueryDto } from '../common/http/pagination';
import { ValidationProblem } from '../common/http/problem';
import { ToBoolean } from '../common/http/transforms';

/**
 * The list filters that departments, branches and positions share: `search`, `is_active`
 * (or `status`), `updated_since` and `sort_order`, on top of `page` and `size`. Each module
 * adds its own `sort_by` allow-list and any filter of its own.
 */
export class OrgListQueryDto extends PageQueryDto {
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

export const UNIT_SORTS = ['name', 'code', 'created_at', 'updated_at'] as const;

/** Departments and branches: the shared filters plus `manager_id`, `sort_by`, `include_counts`. */
export class UnitListQueryDto extends OrgListQueryDto {
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

/** `is_active` and `status` say the same thing; both given must agree. */
export function activeFilter(query: OrgListQueryDto): boolean | undefined {
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

/** An ISO 8601 time; one without an offset is read as UTC (times in this API are UTC). */
export function parseUtc(iso: string): Date {
  const hasZone = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(iso) || !iso.includes('T');
  return new Date(hasZone ? iso : `${iso}Z`);
}

/**
 * Adds the shared filters to a list query over `alias`: `search` (ILIKE on the given
 * columns), `is_active`/`status` and `updated_since`.
 */
export function applyOrgListFilters<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  query: OrgListQueryDto,
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
 * Orders by a text column ignoring case (the database collation is bytewise), or by a time,
 * then by id so that pages never overlap.
 */
export function applyOrgSort<T extends ObjectLiteral>(
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
