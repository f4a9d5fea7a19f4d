import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ROLES, type Role } from '../../common/auth/permissions';
import { SearchField, UpdatedSinceField, UuidField } from '../../common/http/fields';
import { AfterIdField, SortByUpdatedAtField } from '../../common/http/list-query';
import { PageQuery } from '../../common/http/pagination';
import { EmptyToNull } from '../../common/http/transforms';
import type { UserStatus } from '../user.entity';

/** GET /users: page, filters; newest first. Filters combine with AND, within the caller's scope. */
export class ListUsersQuery extends PageQuery {
  @SearchField('Part of the username, email, first or last name (case-insensitive)')
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

  @UuidField('nullable') department_id?: string | null;

  @UuidField('nullable') branch_id?: string | null;

  @UuidField('nullable') position_id?: string | null;

  @UpdatedSinceField()
  updated_since?: Date | null;

  @SortByUpdatedAtField()
  sort_by?: 'updated_at' | null;

  @AfterIdField()
  after_id?: string | null;
}
