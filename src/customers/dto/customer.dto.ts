import { ApiProperty } from '@nestjs/swagger';
import { moneyJson } from '../../common/money';
import type { Customer } from '../customer.entity';

const text = { type: String, nullable: true } as const;
const money = { type: Number, nullable: true, example: 1500.5 } as const;
const date = { type: String, format: 'date', nullable: true } as const;
const time = { type: String, format: 'date-time', nullable: true } as const;
const uuid = { type: String, format: 'uuid', nullable: true } as const;

/** A customer as the API answers it: every column but the id number's hash, the id number in clear. */
export class CustomerResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'CUS-00000042' }) customer_code: string;
  @ApiProperty(text) full_name_khmer: string | null;
  @ApiProperty(text) full_name_latin: string | null;
  @ApiProperty({ example: 'cambodian_identity' }) id_card_type: string;
  @ApiProperty({ description: 'In clear for callers who may see the customer.' })
  id_number: string;
  @ApiProperty(text) phone: string | null;
  @ApiProperty(date) date_of_birth: string | null;
  @ApiProperty({ enum: ['male', 'female', 'other'], nullable: true }) sex: string | null;
  @ApiProperty({ enum: ['single', 'married', 'divorced', 'widowed', 'other'], nullable: true })
  marital_status: string | null;
  @ApiProperty(text) current_address: string | null;
  @ApiProperty(text) province: string | null;
  @ApiProperty(text) district: string | null;
  @ApiProperty(text) commune: string | null;
  @ApiProperty(text) village: string | null;
  @ApiProperty(text) occupation: string | null;
  @ApiProperty(text) employer_name: string | null;
  @ApiProperty(money) monthly_income: number | null;
  @ApiProperty(text) income_source: string | null;
  @ApiProperty(uuid) branch_id: string | null;
  @ApiProperty(uuid) department_id: string | null;
  @ApiProperty(uuid) created_by: string | null;
  @ApiProperty({ description: 'Send back in If-Match; also the ETag.' }) version: number;
  @ApiProperty({ format: 'date-time' }) created_at: Date;
  @ApiProperty({ format: 'date-time' }) updated_at: Date;
}

/** `idNumber`: the id number decrypted by the service. */
export function toCustomerResponse(customer: Customer, idNumber: string): CustomerResponse {
  return {
    id: customer.id,
    customer_code: customer.customerCode,
    full_name_khmer: customer.fullNameKhmer,
    full_name_latin: customer.fullNameLatin,
    id_card_type: customer.idCardType,
    id_number: idNumber,
    phone: customer.phone,
    date_of_birth: customer.dateOfBirth,
    sex: customer.sex,
    marital_status: customer.maritalStatus,
    current_address: customer.currentAddress,
    province: customer.province,
    district: customer.district,
    commune: customer.commune,
    village: customer.village,
    occupation: customer.occupation,
    employer_name: customer.employerName,
    monthly_income: moneyJson(customer.monthlyIncome),
    income_source: customer.incomeSource,
    branch_id: customer.branchId,
    department_id: customer.departmentId,
    created_by: customer.createdBy,
    version: customer.version,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
  };
}

/** One application of a customer, as `GET /customers/{id}/applications` lists it. */
export class CustomerApplicationSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'draft' }) status: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty(money) requested_amount: number | null;
  @ApiProperty({ ...money, description: 'The approved amount.' }) loan_amount: number | null;
  @ApiProperty(text) product_type: string | null;
  @ApiProperty(text) desired_loan_term: string | null;
  @ApiProperty({ enum: ['low', 'normal', 'high', 'urgent'] }) priority_level: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: Date;
  @ApiProperty(time) submitted_at: Date | null;
  @ApiProperty(time) approved_at: Date | null;
}

/** A row of customer_applications as read by the summary query (numeric columns as text). */
export interface CustomerApplicationRow extends Omit<
  CustomerApplicationSummary,
  'requested_amount' | 'loan_amount'
> {
  requested_amount: string | null;
  loan_amount: string | null;
}

export function toApplicationSummary(row: CustomerApplicationRow): CustomerApplicationSummary {
  return {
    ...row,
    requested_amount: moneyJson(row.requested_amount),
    loan_amount: moneyJson(row.loan_amount),
  };
}
