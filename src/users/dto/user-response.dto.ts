import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../common/auth/permissions';
import type { User, UserStatus } from '../user.entity';

export class UserDepartmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
}

export class UserBranchDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
}

export class UserPositionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

/** A user as every route returns it; the password hash never leaves the server. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'sokha.admin' }) username: string;
  @ApiProperty({ example: 'sokha@example.com' }) email: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ type: String, nullable: true }) phone_number: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0042' }) employee_id: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: ['active', 'inactive'] }) status: UserStatus;
  @ApiProperty({ description: '`status` is `active`' }) is_active: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) department_id: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) branch_id: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) position_id: string | null;
  @ApiProperty({ type: UserDepartmentDto, nullable: true }) department: UserDepartmentDto | null;
  @ApiProperty({ type: UserBranchDto, nullable: true }) branch: UserBranchDto | null;
  @ApiProperty({ type: UserPositionDto, nullable: true }) position: UserPositionDto | null;
  @ApiProperty({ type: String, nullable: true }) profile_image_url: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_login_at: string | null;
  @ApiProperty({ description: 'Sent back in `If-Match` to update safely (also the `ETag`)' })
  version: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/**
 * What a user's answer is made of: the entity loaded with its `department`, `branch` and
 * `position` relations, or a raw row shaped so (userAnswers).
 */
export type UserView = Omit<User, 'passwordHash' | 'department' | 'branch' | 'position'> & {
  department?: { id: string; name: string; code: string } | null;
  branch?: { id: string; name: string; code: string } | null;
  position?: { id: string; name: string } | null;
};

export function toUserResponse(user: UserView): UserResponseDto {
  const { department, branch, position } = user;
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    phone_number: user.phoneNumber,
    employee_id: user.employeeId,
    role: user.role,
    status: user.status,
    is_active: user.status === 'active',
    department_id: user.departmentId,
    branch_id: user.branchId,
    position_id: user.positionId,
    department: department
      ? { id: department.id, name: department.name, code: department.code }
      : null,
    branch: branch ? { id: branch.id, name: branch.name, code: branch.code } : null,
    position: position ? { id: position.id, name: position.name } : null,
    profile_image_url: user.profileImageUrl,
    last_login_at: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
    version: user.version,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

/** The answer of DELETE /users/{id} when the user owns records and was deactivated instead. */
export class UserDeactivatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['inactive'] }) status: 'inactive';
  @ApiProperty({
    example:
      'sok.dara still has records (loan applications and files), so the account was ' +
      'deactivated instead of deleted and its sessions were ended.',
  })
  detail: string;
}

export class UsersByRoleDto {
  @ApiProperty() admin: number;
  @ApiProperty() manager: number;
  @ApiProperty() officer: number;
  @ApiProperty() viewer: number;
}

export class UsersByBranchDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: no branch' })
  branch_id: string | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty() count: number;
}

export class UserStatsDto {
  @ApiProperty() total: number;
  @ApiProperty() active: number;
  @ApiProperty() inactive: number;
  @ApiProperty({ type: UsersByRoleDto }) by_role: UsersByRoleDto;
  @ApiProperty({ type: [UsersByBranchDto] }) by_branch: UsersByBranchDto[];
}
