import { ApiProperty, ApiSchema, IntersectionType } from '@nestjs/swagger';
import { moneyJson } from '../../common/money';
import type { Customer } from '../customer.entity';
import {
  BorrowerFieldsResponseDto,
  nullableDate as date,
  nullableMoney as money,
  nullableText as text,
  nullableTime as time,
  nullableUuid as uuid,
} from './borrower-fields.dto';

/** A customer's code, names, identity and person (before the borrower fields). */
class CustomerPerson {
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
}

/** Where the customer belongs, and its version and times (after the borrower fields). */
class CustomerRecord {
  @ApiProperty(uuid) branch_id: string | null;
  @ApiProperty(uuid) department_id: string | null;
  @ApiProperty(uuid) created_by: string | null;
  @ApiProperty({ description: 'Send back in If-Match; also the ETag.' }) version: number;
  @ApiProperty({ format: 'date-time' }) created_at: Date;
  @ApiProperty({ format: 'date-time' }) updated_at: Date;
}

/** A customer as the API answers it: every column but the id number's hash, the id number in clear. */
@ApiSchema({ name: 'CustomerResponse' })
export class CustomerDto extends IntersectionType(
  CustomerPerson,
  BorrowerFieldsResponseDto,
  CustomerRecord,
) {}

/** `idNumber`: the id number decrypted by the service. */
export function toCustomerResponse(customer: Customer, idNumber: string): CustomerDto {
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
@ApiSchema({ name: 'CustomerApplicationSummary' })
export class CustomerApplicationSummaryDto {
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
  CustomerApplicationSummaryDto,
  'requested_amount' | 'loan_amount'
> {
  requested_amount: string | null;
  loan_amount: string | null;
}

export function toApplicationSummary(row: CustomerApplicationRow): CustomerApplicationSummaryDto {
  return {
    ...row,
    requested_amount: moneyJson(row.requested_amount),
    loan_amount: moneyJson(row.loan_amount),
  };
}
