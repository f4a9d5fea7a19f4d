import { ApiProperty } from '@nestjs/swagger';
import type { Branch } from '../../branches/branch.entity';
import type { Department } from '../../departments/department.entity';
import type { ApplicationStatus } from '../../enums/code-enums';
import type { User } from '../../users/user.entity';
import { displayNameOf, type StatusColor, statusColorOf } from '../lifecycle/application-lifecycle';
import type { ApplicationResponse } from './application.dto';

/** A person around an application (never their credentials, status or organisation). */
export class PersonSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) phone_number: string | null;
  @ApiProperty({ enum: ['admin', 'manager', 'officer', 'viewer'] }) role: string;
}

/** A department or branch. */
export class UnitSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
}

/** The application the relationships are of, in brief. */
export class ApplicationSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() display_name: string;
  @ApiProperty() status: ApplicationStatus;
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

const person = { type: PersonSummary, nullable: true } as const;
const unit = { type: UnitSummary, nullable: true } as const;

/** `GET /applications/{id}/relationships`: who and what an application is tied to; null when none. */
export class ApplicationRelationships {
  @ApiProperty({ type: ApplicationSummary }) application: ApplicationSummary;
  @ApiProperty({ ...person, description: 'The officer who created it' })
  officer: PersonSummary | null;
  @ApiProperty({ ...unit, description: 'The department it belongs to (copied from its creator)' })
  department: UnitSummary | null;
  @ApiProperty({ ...unit, description: 'The branch it belongs to (copied from its creator)' })
  branch: UnitSummary | null;
  @ApiProperty(person) department_manager: PersonSummary | null;
  @ApiProperty(person) branch_manager: PersonSummary | null;
  @ApiProperty({ ...person, description: 'Who approved it' }) approver: PersonSummary | null;
  @ApiProperty({ ...person, description: 'Who rejected it' }) rejector: PersonSummary | null;
  @ApiProperty({ ...person, description: 'The assigned reviewer' }) reviewer: PersonSummary | null;
}

export function toApplicationSummary(a: ApplicationResponse): ApplicationSummary {
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
): PersonSummary | null {
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

export function toUnitSummary(unit: Department | Branch | null): UnitSummary | null {
  return unit ? { id: unit.id, name: unit.name, code: unit.code } : null;
}
