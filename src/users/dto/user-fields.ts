import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLES } from '../../common/auth/permissions';
import { field, type Presence } from '../../common/http/fields';
import { Trim } from '../../common/http/transforms';

/**
 * The fields of a user in request bodies (see `field` for what the presences mean), so the
 * create, update and profile bodies say the same thing about each field.
 */

/** Longest accepted password text; the rules (and bcrypt's 72 bytes) are checked afterwards. */
const PASSWORD_MAX_LENGTH = 256;

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

export { PhoneField } from '../../common/http/fields';

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
