import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { escapeLike } from '../escape-like';
import { field, SearchField, UpdatedSinceField, UuidField } from './fields';
import { PageQuery } from './pagination';
import { ValidationProblem } from './problem';
import { ToBoolean } from './transforms';

/** `sort_by=updated_at` of the lists that have no other `sort_by` (applications, users, customers). */
export const SortByUpdatedAtField = () =>
  field(
    'nullable',
    {
      enum: ['updated_at'],
      description:
        'updated_at: oldest change first (`updated_at`, then `id`), for syncing with ' +
        '`updated_since` and `after_id`. Without it, the list keeps its own order.',
    },
    IsIn(['updated_at'], { message: 'must be updated_at' }),
  );

/** `after_id`: the keyset cursor of a sync (see filterUpdatedSince). */
export const AfterIdField = () =>
  UuidField(
    'nullable',
    'With `sort_by=updated_at` and `updated_since` (both required with it): only rows changed ' +
      'after the row with this id, which changed at `updated_since`. Give the `updated_at` and ' +
      '`id` of the last item you received to read the next page (keep `page=1`).',
  );

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

  @AfterIdField()
  after_id?: string | null;

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
 * columns), `is_active`/`status` and `updated_since` (with its cursor, see filterUpdatedSince).
 */
export function applyListFilters<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  query: ListQuery & { sort_by?: string | null },
  searchColumns: string[],
): SelectQueryBuilder<T> {
  if (query.search) {
    const matches = searchColumns.map((column) => `${alias}.${column} ILIKE :search ESCAPE '\\'`);
    qb.andWhere(`(${matches.join(' OR ')})`, { search: `%${escapeLike(query.search)}%` });
  }
  const isActive = activeFilter(query);
  if (isActive !== undefined) qb.andWhere(`${alias}.is_active = :isActive`, { isActive });
  return filterUpdatedSince(qb, syncColumnsOf(alias), query);
}

/**
 * Orders by a text column (`name`, `code`) ignoring case (the database collation is bytewise),
 * or by a time (`updated_at`: the sync order), then by id so that pages never overlap.
 */
export function applyListSort<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  sortBy: string,
  sortOrder: 'asc' | 'desc' = 'asc',
): SelectQueryBuilder<T> {
  const direction = sortOrder === 'desc' ? 'DESC' : 'ASC';
  if (sortBy === 'updated_at') return orderByUpdatedAt(qb, syncColumnsOf(alias), direction);
  const column = `${alias}.${sortBy}`;
  const isText = sortBy === 'name' || sortBy === 'code';
  return qb
    .orderBy(isText ? `lower(${column})` : column, direction)
    .addOrderBy(`${alias}.id`, direction);
}

// --- sync: updated_since, sort_by=updated_at, after_id ---------------------------------------

/** The query fields of a list that can be synced. */
export interface SyncQuery {
  updated_since?: Date | null;
  sort_by?: string | null;
  sort_order?: 'asc' | 'desc';
  after_id?: string | null;
}

/** The qualified `updated_at` and `id` of a list's rows. */
export interface SyncColumns {
  updatedAt: string;
  id: string;
}

export const syncColumnsOf = (alias: string): SyncColumns => ({
  updatedAt: `${alias}.updated_at`,
  id: `${alias}.id`,
});

/**
 * The time a sync orders by: `updated_at` to the millisecond, in UTC, because that is the
 * precision answers carry (the column keeps microseconds): a client that sends back the
 * `updated_at` it received must find that row exactly at its place. Indexed together with `id`
 * where the table is large (migration ListIndexes).
 */
export const syncKeyOf = (columns: SyncColumns): string =>
  `date_trunc('milliseconds', ${columns.updatedAt} AT TIME ZONE 'UTC')`;

const SINCE_KEY = `(CAST(:updatedSince AS timestamptz) AT TIME ZONE 'UTC')`;

/**
 * `updated_since` (SPEC §3: rows changed at or after it). With `sort_by=updated_at` it is read on
 * the sync key, and `after_id` turns it into a keyset cursor: rows whose (updated_at, id) comes
 * after (updated_since, after_id). Paging that way neither skips nor repeats a row that changes
 * meanwhile: a changed row moves behind the cursor and is read again once, with its change; an
 * offset would shift every later row one place and skip one. `after_id` without
 * `sort_by=updated_at`, `updated_since` and an ascending order is 422.
 */
export function filterUpdatedSince<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: SyncColumns,
  query: SyncQuery,
): SelectQueryBuilder<T> {
  assertSyncCursor(query);
  const updatedSince = query.updated_since;
  if (!updatedSince) return qb;
  if (query.sort_by !== 'updated_at') {
    return qb.andWhere(`${columns.updatedAt} >= :updatedSince`, { updatedSince });
  }
  const key = syncKeyOf(columns);
  if (!query.after_id) return qb.andWhere(`${key} >= ${SINCE_KEY}`, { updatedSince });
  return qb.andWhere(`(${key}, ${columns.id}) > (${SINCE_KEY}, :syncAfterId)`, {
    updatedSince,
    syncAfterId: query.after_id,
  });
}

/** The sync order: the sync key, then id (ascending unless asked otherwise). */
export function orderByUpdatedAt<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: SyncColumns,
  direction: 'ASC' | 'DESC' = 'ASC',
): SelectQueryBuilder<T> {
  return qb.orderBy(syncKeyOf(columns), direction).addOrderBy(columns.id, direction);
}

/** `after_id` is a cursor of the ascending sync order only. */
export function assertSyncCursor(query: SyncQuery): void {
  if (!query.after_id) return;
  const missing: string[] = [];
  if (query.sort_by !== 'updated_at') missing.push('sort_by=updated_at');
  if (!query.updated_since) missing.push('updated_since');
  if (query.sort_order === 'desc') missing.push('sort_order=asc');
  if (missing.length === 0) return;
  throw new ValidationProblem([
    {
      loc: ['query', 'after_id'],
      msg: `needs ${missing.join(' and ')} (it continues a sync from the last row received)`,
      type: 'requires',
    },
  ]);
}
