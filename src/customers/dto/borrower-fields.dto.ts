import { ApiProperty } from '@nestjs/swagger';
import { MoneyField, TextField } from '../../common/http/fields';

/**
 * Where a borrower lives and what they live on (SPEC §5): the fields a customer and an
 * application share past the names and the identity, written and answered alike on both. Each
 * DTO takes them with IntersectionType at their place in its field order (the order of the
 * OpenAPI document).
 */
export class BorrowerFieldsDto {
  @TextField('nullable', 1000) current_address?: string | null;
  @TextField('nullable', 100) province?: string | null;
  @TextField('nullable', 100) district?: string | null;
  @TextField('nullable', 100) commune?: string | null;
  @TextField('nullable', 100) village?: string | null;
  @TextField('nullable', 100) occupation?: string | null;
  @TextField('nullable', 200) employer_name?: string | null;
  @MoneyField('nullable') monthly_income?: string | null;
  @TextField('nullable', 100, { example: 'salary' }) income_source?: string | null;
}

/** OpenAPI options of the nullable fields of answers. */
export const nullableText = { type: String, nullable: true } as const;
export const nullableMoney = { type: Number, nullable: true, example: 1500.5 } as const;
export const nullableDate = { type: String, format: 'date', nullable: true } as const;
export const nullableTime = { type: String, format: 'date-time', nullable: true } as const;
export const nullableUuid = { type: String, format: 'uuid', nullable: true } as const;

/** The same fields as a customer or an application answers them (money as a JSON number). */
export class BorrowerFieldsResponseDto {
  @ApiProperty(nullableText) current_address: string | null;
  @ApiProperty(nullableText) province: string | null;
  @ApiProperty(nullableText) district: string | null;
  @ApiProperty(nullableText) commune: string | null;
  @ApiProperty(nullableText) village: string | null;
  @ApiProperty(nullableText) occupation: string | null;
  @ApiProperty(nullableText) employer_name: string | null;
  @ApiProperty(nullableMoney) monthly_income: number | null;
  @ApiProperty(nullableText) income_source: string | null;
}
