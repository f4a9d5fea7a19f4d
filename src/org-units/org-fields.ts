import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { TextField } from '../common/http/fields';
import { EmptyToNull } from '../common/http/transforms';

/**
 * Request fields that departments, branches and positions share, each a validator, a
 * transformer and its OpenAPI text behind one name (text fields: common/http/fields.ts).
 * Update DTOs are `PartialType(Create..., { skipNullProperties: false })`, so a required field
 * may be left out of an update but never set to null.
 */

export const NameField = () =>
  TextField('required', 100, { example: 'Credit', description: 'Unique, ignoring case.' });

export const CodeField = () =>
  TextField('required', 20, {
    example: 'CR',
    description: 'Unique, ignoring case; may be changed later.',
  });

export const DescriptionField = () => TextField('nullable', 1000);

/** The unit's manager: an existing, active user; "" or null for none. */
export function ManagerIdField() {
  return applyDecorators(
    ApiPropertyOptional({
      format: 'uuid',
      nullable: true,
      type: String,
      description: 'An existing, active user; "" or null for none.',
    }),
    EmptyToNull(),
    IsOptional(),
    IsUUID(),
  );
}

/** A JSON boolean, never null (default true on creation). */
export function IsActiveField() {
  return applyDecorators(
    ApiPropertyOptional({ default: true }),
    ValidateIf((_, value) => value !== undefined),
    IsBoolean(),
  );
}
