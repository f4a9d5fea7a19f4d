import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ApplicationStatus } from '../../enums/code-enums';
import { displayNameOf, type StatusColor, statusColorOf } from '../lifecycle/application-lifecycle';
import {
  nullableDate as date,
  nullableMoney as money,
  nullableText as text,
  nullableTime as time,
} from '../../customers/dto/borrower-fields.dto';
import { type ApplicationDto, STATUS_PROPERTY } from './application.dto';

/** One card of `GET /applications/cards` (SPEC §7 "Cards"): what a board tile shows. */
@ApiSchema({ name: 'ApplicationCard' })
export class ApplicationCardDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    description: 'full_name_latin, else full_name_khmer, else "Customer <id_number or Unknown>"',
  })
  display_name: string;
  @ApiProperty(text) id_number: string | null;
  @ApiProperty(text) phone: string | null;
  @ApiProperty(STATUS_PROPERTY) status: ApplicationStatus;
  @ApiProperty({ enum: ['draft', 'active', 'disbursed', 'completed'] }) loan_status: string;
  @ApiProperty({ ...money, description: 'The approved amount.' }) loan_amount: number | null;
  @ApiProperty(money) requested_amount: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '% per year' })
  interest_rate: number | null;
  @ApiProperty(date) loan_start_date: string | null;
  @ApiProperty(date) loan_end_date: string | null;
  @ApiProperty({ type: [String], nullable: true }) loan_purposes: string[] | null;
  @ApiProperty(text) product_type: string | null;
  @ApiProperty(text) desired_loan_term: string | null;
  @ApiProperty(text) portfolio_officer_name: string | null;
  @ApiProperty({ enum: ['low', 'medium', 'high'], nullable: true }) risk_category: string | null;
  @ApiProperty({ enum: ['low', 'normal', 'high', 'urgent'] }) priority_level: string;
  @ApiProperty(text) guarantor_name: string | null;
  @ApiProperty({
    enum: ['red', 'green', 'blue', 'gray', 'yellow'],
    description:
      'rejected and withdrawn red, disbursed green, approved blue, completed and draft gray, ' +
      'submitted and the review stages yellow',
  })
  status_color: StatusColor;
  @ApiProperty({ format: 'date-time' }) created_at: Date;
  @ApiProperty({ format: 'date-time' }) updated_at: Date;
  @ApiProperty(time) submitted_at: Date | null;
  @ApiProperty(time) approved_at: Date | null;
}

/** The card of an application, from its response (id numbers already in clear, money numbers). */
export function toApplicationCard(a: ApplicationDto): ApplicationCardDto {
  return {
    id: a.id,
    display_name: displayNameOf(a),
    id_number: a.id_number,
    phone: a.phone,
    status: a.status,
    loan_status: a.loan_status,
    loan_amount: a.loan_amount,
    requested_amount: a.requested_amount,
    interest_rate: a.interest_rate,
    loan_start_date: a.loan_start_date,
    loan_end_date: a.loan_end_date,
    loan_purposes: a.loan_purposes,
    product_type: a.product_type,
    desired_loan_term: a.desired_loan_term,
    portfolio_officer_name: a.portfolio_officer_name,
    risk_category: a.risk_category,
    priority_level: a.priority_level,
    guarantor_name: a.guarantor_name,
    status_color: statusColorOf(a.status),
    created_at: a.created_at,
    updated_at: a.updated_at,
    submitted_at: a.submitted_at,
    approved_at: a.approved_at,
  };
}
