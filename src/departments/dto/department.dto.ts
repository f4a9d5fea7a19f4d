import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OrgMemberDto, OrgUserSummaryDto, toUserSummary } from '../../org-units/dto/org-user.dto';
import type { UserCounts } from '../../users/user-queries';
import type { UnitCounts } from '../../org-units/org-counts';
import { APPLICATION_COUNT_NOTE, USER_COUNT_NOTE } from '../../org-units/org-http';
import type { Department } from '../department.entity';

/** The department's own columns, as every answer shows them. */
class DepartmentFieldsDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) manager_id: string | null;
  @ApiProperty({ type: OrgUserSummaryDto, nullable: true }) manager: OrgUserSummaryDto | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ description: 'Send back in If-Match; also the ETag.' }) version: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class DepartmentDto extends DepartmentFieldsDto {
  @ApiPropertyOptional({
    description: `On single records; in lists with \`include_counts=true\`. ${USER_COUNT_NOTE}`,
  })
  user_count?: number;
  @ApiPropertyOptional({
    description:
      'The active ones among `user_count`. On single records; in lists with `include_counts=true`.',
  })
  active_user_count?: number;
  @ApiPropertyOptional({
    description: `In lists with \`include_counts=true\`. ${APPLICATION_COUNT_NOTE}`,
  })
  application_count?: number;
}

/** `GET /departments/{id}/stats`. */
export class DepartmentStatsDto {
  @ApiProperty({ format: 'uuid' }) department_id: string;
  @ApiProperty() department_name: string;
  @ApiProperty({ description: USER_COUNT_NOTE }) user_count: number;
  @ApiProperty({ description: APPLICATION_COUNT_NOTE }) application_count: number;
  @ApiProperty() is_active: boolean;
}

/** A branch where some of the department's users work. */
export class DepartmentBranchDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
}

/** `GET /departments/{id}/with-relations`. */
export class DepartmentWithRelationsDto extends DepartmentFieldsDto {
  @ApiProperty({ description: USER_COUNT_NOTE }) user_count: number;
  @ApiProperty({ description: 'The active ones among `user_count`.' }) active_user_count: number;
  @ApiProperty({ description: APPLICATION_COUNT_NOTE }) application_count: number;
  @ApiProperty({ description: 'Distinct branches where any of its users work.' })
  branch_count: number;
  @ApiProperty({
    type: [OrgMemberDto],
    description: 'Its users that you may list through GET /users; empty for officers and viewers.',
  })
  users: OrgMemberDto[];
  @ApiProperty({ type: [DepartmentBranchDto] }) branches: DepartmentBranchDto[];
}

export function toDepartmentDto(
  department: Department,
  counts?: UserCounts | UnitCounts,
): DepartmentDto {
  return {
    id: department.id,
    name: department.name,
    code: department.code,
    description: department.description,
    manager_id: department.managerId,
    manager: toUserSummary(department.manager),
    is_active: department.isActive,
    version: department.version,
    created_at: department.createdAt.toISOString(),
    updated_at: department.updatedAt.toISOString(),
    ...(counts ?? {}),
  };
}
