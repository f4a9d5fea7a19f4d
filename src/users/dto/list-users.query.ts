import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ROLES, type Role } from '../../common/auth/permissions';
import { PageQueryDto } from '../../common/http/pagination';
import { EmptyToNull, Trim } from '../../common/http/transforms';
import type { UserStatus } from '../user.entity';

/** An ISO 8601 time with a date and a time zone (`2025-01-31T10:00:00Z`), else left for 422. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

function toDate(value: unknown): unknown {
  if (typeof value !== 'string' || !ISO_TIME.test(value.trim())) return value;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? value : date;
}

/** GET /users: page, filters; newest first. Filters combine with AND, within the caller's scope. */
export class ListUsersQuery extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Part of the username, email, first or last name (case-insensitive)',
  })
  @EmptyToNull()
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string | null;

  @ApiPropertyOptional({ enum: ROLES })
  @EmptyToNull()
  @IsOptional()
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role?: Role | null;

  @ApiPropertyOptional({ enum: ['active', 'inactive'] })
  @EmptyToNull()
  @IsOptional()
  @IsIn(['active', 'inactive'], { message: 'must be active or inactive' })
  status?: UserStatus | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @EmptyToNull()
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  department_id?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @EmptyToNull()
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  branch_id?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @EmptyToNull()
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  position_id?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Only users changed at or after this time (ISO 8601 with a time zone)',
  })
  @EmptyToNull()
  @Transform(({ value }) => toDate(value))
  @IsOptional()
  @IsDate({ message: 'must be an ISO 8601 time with a time zone, e.g. 2025-01-31T10:00:00Z' })
  updated_since?: Date | null;
}
