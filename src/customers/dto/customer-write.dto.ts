import { IntersectionType, PartialType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  DateField,
  field,
  PhoneField,
  refuseServerFields,
  TextField,
} from '../../common/http/fields';
import { Trim } from '../../common/http/transforms';
import { CatalogField } from '../../settings/in-catalog';
import { BorrowerFieldsDto } from './borrower-fields.dto';

export const SEXES = ['male', 'female', 'other'] as const;
export const MARITAL_STATUSES = ['single', 'married', 'divorced', 'widowed', 'other'] as const;

const CodeField = (values: readonly string[]) =>
  field(
    'nullable',
    { enum: values },
    Trim(),
    IsIn(values, { message: `must be one of: ${values.join(', ')}` }),
  );

/** A customer's names, identity and person (before the borrower fields it shares). */
class CustomerPersonFields {
  @TextField('nullable', 200, { example: 'សុខ ដារា' }) full_name_khmer?: string | null;
  @TextField('nullable', 200, { example: 'Sok Dara' }) full_name_latin?: string | null;
  @CatalogField('required', 'id_card_types', 'cambodian_identity') id_card_type: string;
  @TextField('required', 50, {
    example: '012345678',
    description:
      'Stored encrypted. Unique per id_card_type, ignoring case, spaces and dashes (409 when taken).',
  })
  id_number: string;
  @PhoneField('nullable') phone?: string | null;
  @DateField('nullable') date_of_birth?: string | null;
  @CodeField(SEXES) sex?: string | null;
  @CodeField(MARITAL_STATUSES) marital_status?: string | null;
}

/**
 * POST /customers: a borrower (SPEC §5). At least one of the two names is required (checked by
 * the service, which also sees the stored names on a partial update). `""` or null leaves an
 * optional field empty. Branch, department and creator are the caller's.
 */
export class CreateCustomerDto extends IntersectionType(CustomerPersonFields, BorrowerFieldsDto) {}

/**
 * PATCH /customers/{id}: only the fields present change; `""` or null clears an optional one
 * (id_card_type and id_number cannot be cleared).
 */
export class UpdateCustomerDto extends PartialType(CreateCustomerDto, {
  skipNullProperties: false,
}) {}

/** Fields only the server writes: a body that sets one is 422, naming it. */
export const CUSTOMER_SERVER_FIELDS = [
  'id',
  'customer_code',
  'id_number_hash',
  'branch_id',
  'department_id',
  'created_by',
  'version',
  'created_at',
  'updated_at',
] as const;

for (const dto of [CreateCustomerDto, UpdateCustomerDto])
  refuseServerFields(dto, CUSTOMER_SERVER_FIELDS);
