import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { EmptyToNull, Trim } from '../common/http/transforms';

/**
 * Request fields that departments, branches and positions share, each a validator, a
 * transformer and its OpenAPI text behind one name. Update DTOs are
 * `PartialType(Create..., { skipNullProperties: false })`, so a required field may be left
 * out of an update but never set to null.
 */

/** A required, trimmed, non-blank string of at most `maxLength` characters. */
export function RequiredText(maxLength: number, example: string, description?: string) {
  return applyDecorators(
    ApiProperty({ maxLength, example, description }),
    Trim(),
    IsString(),
    IsNotEmpty(),
    MaxLength(maxLength),
  );
}

/** An optional string: "" (or blank) and null mean none. */
export function OptionalText(maxLength: number, description?: string) {
  return applyDecorators(
    ApiPropertyOptional({ maxLength, nullable: true, type: String, description }),
    Trim(),
    EmptyToNull(),
    IsOptional(),
    IsString(),
    MaxLength(maxLength),
  );
}

export const NameField = () => RequiredText(100, 'Credit', 'Unique, ignoring case.');

export const CodeField = () =>
  RequiredText(20, 'CR', 'Unique, ignoring case; may be changed later.');

export const DescriptionField = () => OptionalText(1000);

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
