import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ROLES } from '../../common/auth/permissions';
import { EmptyToNull, Trim } from '../../common/http/transforms';

/**
 * The fields of a user in request bodies: validator, transformer and OpenAPI text behind one
 * name, so the create, update and profile bodies say the same thing about each field.
 *
 * - `required`: must be present (create).
 * - `optional`: may be left out, but not null: a column that always has a value (partial update).
 * - `nullable`: may be left out; `""` and null mean "none" (the web app sends `""` for blanks).
 */
export type Presence = 'required' | 'optional' | 'nullable';

/** Longest accepted password text; the rules (and bcrypt's 72 bytes) are checked afterwards. */
const PASSWORD_MAX_LENGTH = 256;

function field(presence: Presence, api: ApiPropertyOptions, ...validators: PropertyDecorator[]) {
  switch (presence) {
    case 'required':
      return applyDecorators(ApiProperty(api), ...validators);
    case 'optional':
      return applyDecorators(
        ApiPropertyOptional(api),
        ValidateIf((_object, value) => value !== undefined),
        ...validators,
      );
    case 'nullable':
      return applyDecorators(
        ApiPropertyOptional({ ...api, nullable: true } as ApiPropertyOptions),
        EmptyToNull(),
        IsOptional(),
        ...validators,
      );
  }
}

export const UsernameField = (presence: Presence) =>
  field(
    presence,
    {
      type: String,
      minLength: 3,
      maxLength: 50,
      pattern: '^[A-Za-z0-9._-]+$',
      example: 'sokha.admin',
      description: 'Letters, digits, `.`, `_` and `-`; unique ignoring case.',
    },
    Trim(),
    IsString(),
    MinLength(3),
    MaxLength(50),
    Matches(/^[A-Za-z0-9._-]+$/, {
      message: 'may contain only letters, digits, ".", "_" and "-"',
    }),
  );

export const EmailField = (presence: Presence) =>
  field(
    presence,
    { type: String, format: 'email', maxLength: 255, description: 'Unique ignoring case.' },
    Trim(),
    IsString(),
    MaxLength(255),
    IsEmail({}, { message: 'must be an email address' }),
  );

export const PasswordField = (presence: Presence, description?: string) =>
  field(
    presence,
    {
      type: String,
      format: 'password',
      maxLength: PASSWORD_MAX_LENGTH,
      description:
        description ??
        'Must follow the password rules in force (settings); a 422 lists each unmet rule.',
    },
    IsString(),
    MaxLength(PASSWORD_MAX_LENGTH),
  );

export const NameField = (presence: Presence, example: string) =>
  field(
    presence,
    { type: String, maxLength: 100, example },
    Trim(),
    IsString(),
    IsNotEmpty(),
    MaxLength(100),
  );

export const PhoneField = (presence: Presence) =>
  field(
    presence,
    {
      type: String,
      maxLength: 30,
      example: '+855 12 345 678',
      description: 'Digits, spaces and `+ - ( ) .`',
    },
    Trim(),
    IsString(),
    MaxLength(30),
    Matches(/^\+?[0-9 ().-]+$/, { message: 'may contain only digits, spaces and + - ( ) .' }),
  );

export const EmployeeIdField = (presence: Presence) =>
  field(
    presence,
    {
      type: String,
      pattern: '^[0-9]{4}$',
      example: '0042',
      description: 'Exactly 4 digits; unique.',
    },
    Trim(),
    IsString(),
    Matches(/^[0-9]{4}$/, { message: 'must be exactly 4 digits' }),
  );

export const RoleField = (presence: Presence, description: string) =>
  field(
    presence,
    { enum: ROLES, description },
    IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
  );

export const StatusField = (presence: Presence) =>
  field(
    presence,
    {
      enum: ['active', 'inactive'],
      description: 'Mirrors `is_active`; give either (or both, agreeing).',
    },
    IsIn(['active', 'inactive'], { message: 'must be active or inactive' }),
  );

export const IsActiveField = (presence: Presence) =>
  field(
    presence,
    { type: Boolean, description: 'Mirrors `status`; give either (or both, agreeing).' },
    IsBoolean(),
  );

export const ReferenceField = (presence: Presence, what: string) =>
  field(
    presence,
    { type: String, format: 'uuid', description: `An existing ${what}.` },
    IsString(),
    IsUUID('all', { message: 'must be a UUID' }),
  );

export const ProfileImageUrlField = (presence: Presence) =>
  field(
    presence,
    { type: String, format: 'uri', maxLength: 500 },
    Trim(),
    IsString(),
    MaxLength(500),
    IsUrl(
      { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
      { message: 'must be an http(s) URL' },
    ),
  );
