import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDate,
  IsOptional,
  IsString,
  IsUUID,
  isISO8601,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../../common/http/pagination';
import { EmptyToNull, Trim } from '../../common/http/transforms';
import { parseUtc } from '../../common/parse-utc';

/** A date with a time; the offset may be left out (then UTC, as every time of this API). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const DATE_TIME_MESSAGE =
  'must be an ISO 8601 date and time, e.g. 2025-01-31T10:00:00Z (UTC when no offset is given)';

/** Parsed to a Date when well-formed; anything else is left for @IsDate to refuse. */
function toInstant(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!DATE_TIME.test(text) || !isISO8601(text, { strict: true })) return value;
  const instant = parseUtc(text);
  return Number.isNaN(instant.getTime()) ? value : instant;
}

/** GET /audit: page, filters (combined with AND, within the caller's scope); newest first. */
export class ListAuditQuery extends PageQuery {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    description: 'Events of this actor (user id)',
  })
  @EmptyToNull()
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  actor_id?: string | null;

  @ApiPropertyOptional({
    type: String,
    description:
      'The action, exactly (`user.updated`), or a prefix ending with `*` (`auth.*`, `setting.*`).',
    example: 'auth.*',
  })
  @EmptyToNull()
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[^*]*\*?$/, { message: 'may hold one "*", at the end (a prefix such as auth.*)' })
  action?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'The kind of record, e.g. `user`, `setting`',
    example: 'user',
  })
  @EmptyToNull()
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  entity_type?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'The record: a UUID, or a key for records named by key (settings)',
  })
  @EmptyToNull()
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entity_id?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Events at or after this time (inclusive)',
  })
  @EmptyToNull()
  @Transform(({ value }) => toInstant(value))
  @IsOptional()
  @IsDate({ message: DATE_TIME_MESSAGE })
  date_from?: Date | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Events at or before this time (inclusive)',
  })
  @EmptyToNull()
  @Transform(({ value }) => toInstant(value))
  @IsOptional()
  @IsDate({ message: DATE_TIME_MESSAGE })
  date_to?: Date | null;
}
