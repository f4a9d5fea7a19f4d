import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Branch } from '../../branches/branch.entity';
import type { Department } from '../../departments/department.entity';
import type { ApplicationStatus } from '../../enums/code-enums';
import type { User } from '../../users/user.entity';
import { displayNameOf, type StatusColor, statusColorOf } from '../lifecycle/application-lifecycle';
import { type ApplicationDto, STATUS_PROPERTY } from './application.dto';

/** A person around an application (never their credentials, status or organisation). */
@ApiSchema({ name: 'PersonSummary' })
export class PersonSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) phone_number: string | null;
  @ApiProperty({ enum: ['admin', 'manager', 'officer', 'viewer'] }) role: string;
}

/** A department or branch. */
@ApiSchema({ name: 'UnitSummary' })
export class UnitSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
}

/** The application the relationships are of, in brief. */
@ApiSchema({ name: 'ApplicationSummary' })
export class ApplicationSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() display_name: string;
  @ApiProperty(STATUS_PROPERTY) status: ApplicationStatus;
  @ApiProperty({ enum: ['draft', 'active', 'disbursed', 'completed'] }) loan_status: string;
  @ApiProperty({ enum: ['red', 'green', 'blue', 'gray', 'yellow'] }) status_color: StatusColor;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: Number, nullable: true }) requested_amount: number | null;
  @ApiProperty({ type: Number, nullable: true }) loan_amount: number | null;
  @ApiProperty({ type: String, nullable: true }) product_type: string | null;
  @ApiProperty({ enum: ['low', 'normal', 'high', 'urgent'] }) priority_level: string;
  @ApiProperty({ format: 'date-time' }) created_at: Date;
  @ApiProperty({ format: 'date-time' }) updated_at: Date;
}

const person = { type: PersonSummaryDto, nullable: true } as const;
const unit = { type: UnitSummaryDto, nullable: true } as const;

/** `GET /applications/{id}/relationships`: who and what an application is tied to; null when none. */
@ApiSchema({ name: 'ApplicationRelationships' })
export class ApplicationRelationshipsDto {
  @ApiProperty({ type: ApplicationSummaryDto }) application: ApplicationSummaryDto;
  @ApiProperty({ ...person, description: 'The officer who created it' })
  officer: PersonSummaryDto | null;
  @ApiProperty({ ...unit, description: 'The department it belongs to (copied from its creator)' })
  department: UnitSummaryDto | null;
  @ApiProperty({ ...unit, description: 'The branch it belongs to (copied from its creator)' })
  branch: UnitSummaryDto | null;
  @ApiProperty(person) department_manager: PersonSummaryDto | null;
  @ApiProperty(person) branch_manager: PersonSummaryDto | null;
  @ApiProperty({ ...person, description: 'Who approved it' }) approver: PersonSummaryDto | null;
  @ApiProperty({ ...person, description: 'Who rejected it' }) rejector: PersonSummaryDto | null;
  @ApiProperty({ ...person, description: 'The assigned reviewer' })
  reviewer: PersonSummaryDto | null;
}

export function toApplicationSummary(a: ApplicationDto): ApplicationSummaryDto {
  return {
    id: a.id,
    display_name: displayNameOf(a),
    status: a.status,
    loan_status: a.loan_status,
    status_color: statusColorOf(a.status),
    currency: a.currency,
    requested_amount: a.requested_amount,
    loan_amount: a.loan_amount,
    product_type: a.product_type,
    priority_level: a.priority_level,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

export function toPersonSummary(
  user:
    | Pick<User, 'id' | 'username' | 'firstName' | 'lastName' | 'email' | 'phoneNumber' | 'role'>
    | undefined,
): PersonSummaryDto | null {
  if (!user) return null;
  return {
    id: user.id,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
    phone_number: user.phoneNumber,
    role: user.role,
  };
}

export function toUnitSummary(unit: Department | Branch | null): UnitSummaryDto | null {
  return unit ? { id: unit.id, name: unit.name, code: unit.code } : null;
}
