import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OrgUserSummaryDto, toUserSummary } from '../../org-units/dto/org-user.dto';
import type { UserCounts } from '../../users/user-queries';
import type { UnitCounts } from '../../org-units/org-counts';
import { APPLICATION_COUNT_NOTE, USER_COUNT_NOTE } from '../../org-units/org-http';
import type { Branch } from '../branch.entity';

export class BranchDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
  @ApiProperty() address: string;
  @ApiProperty({ nullable: true, type: String }) phone_number: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'email' }) email: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) manager_id: string | null;
  @ApiProperty({ type: OrgUserSummaryDto, nullable: true }) manager: OrgUserSummaryDto | null;
  @ApiProperty({ nullable: true, type: Number, example: 11.5564 }) latitude: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 104.9282 }) longitude: number | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ description: 'Send back in If-Match; also the ETag.' }) version: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
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

/** `GET /branches/{id}/stats`. */
export class BranchStatsDto {
  @ApiProperty({ format: 'uuid' }) branch_id: string;
  @ApiProperty() branch_name: string;
  @ApiProperty({ description: USER_COUNT_NOTE }) user_count: number;
  @ApiProperty({ description: APPLICATION_COUNT_NOTE }) application_count: number;
  @ApiProperty() is_active: boolean;
}

/** numeric(9,6) travels inside the server as text and leaves it as a JSON number. */
function coordinate(value: string | null): number | null {
  return value === null ? null : Number(value);
}

export function toBranchDto(branch: Branch, counts?: UserCounts | UnitCounts): BranchDto {
  return {
    id: branch.id,
    name: branch.name,
    code: branch.code,
    address: branch.address,
    phone_number: branch.phoneNumber,
    email: branch.email,
    manager_id: branch.managerId,
    manager: toUserSummary(branch.manager),
    latitude: coordinate(branch.latitude),
    longitude: coordinate(branch.longitude),
    is_active: branch.isActive,
    version: branch.version,
    created_at: branch.createdAt.toISOString(),
    updated_at: branch.updatedAt.toISOString(),
    ...(counts ?? {}),
  };
}
