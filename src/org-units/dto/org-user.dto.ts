import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../common/auth/permissions';
import type { User, UserStatus } from '../../users/user.entity';

/** A unit's manager as shown beside the unit. */
export class OrgUserSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty() email: string;
}

/** A user who belongs to a unit (department, branch). */
export class OrgMemberDto extends OrgUserSummaryDto {
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: ['active', 'inactive'] }) status: UserStatus;
}

/** `GET /departments/stats`, `GET /branches/stats`. */
export class OrgTotalsDto {
  @ApiProperty() total: number;
  @ApiProperty() active: number;
  @ApiProperty() inactive: number;
}

export function toUserSummary(user: User | null | undefined): OrgUserSummaryDto | null {
  if (!user) return null;
  return {
    id: user.id,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
  };
}

export function toMember(user: User): OrgMemberDto {
  return { ...toUserSummary(user)!, role: user.role, status: user.status };
}
