import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  OrgMemberDto,
  OrgUserSummaryDto,
  toUserSummary,
} from '../../organisation/dto/org-user.dto';
import type { UserCounts } from '../../organisation/org-users';
import type { UnitCounts } from '../../organisation/org-counts';
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
    description:
      'Users in the department (any status). On single records; in lists with `include_counts=true`.',
  })
  user_count?: number;
  @ApiPropertyOptional({
    description:
      'Active users in the department. On single records; in lists with `include_counts=true`.',
  })
  active_user_count?: number;
  @ApiPropertyOptional({
    description:
      'Applications made in the department (any status). In lists with `include_counts=true`.',
  })
  application_count?: number;
}

/** `GET /departments/{id}/stats`. */
export class DepartmentStatsDto {
  @ApiProperty({ format: 'uuid' }) department_id: string;
  @ApiProperty() department_name: string;
  @ApiProperty() user_count: number;
  @ApiProperty() application_count: number;
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
  @ApiProperty() user_count: number;
  @ApiProperty() active_user_count: number;
  @ApiProperty() application_count: number;
  @ApiProperty({ description: 'Distinct branches where its users work.' }) branch_count: number;
  @ApiProperty({ type: [OrgMemberDto] }) users: OrgMemberDto[];
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
