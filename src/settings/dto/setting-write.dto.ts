import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { EmptyToNull, Trim } from '../../common/http/transforms';
import {
  CATEGORY_PATTERN,
  CATEGORY_RULE,
  isSettingKey,
  MAX_VALUE_BYTES,
  SETTING_KEY_PATTERN,
  SETTING_KEY_RULE,
} from '../settings-registry';

/** The OpenAPI schema of a setting's value: any JSON. */
export const JSON_VALUE_SCHEMA = {
  nullable: true,
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'object', additionalProperties: true },
    { type: 'array', items: {} },
  ],
};

/** One rule, one message: `test` decides, `rule` says what is expected. */
const Follows = (name: string, test: (value: unknown) => boolean, rule: string) =>
  ValidateBy({ name, validator: { validate: test, defaultMessage: () => `must be ${rule}` } });

/** A category name; "" and null mean "not given". */
function CategoryField(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ pattern: CATEGORY_PATTERN.source, example: 'general', description }),
    Transform(({ value }: { value: unknown }) =>
      value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value,
    ),
    ValidateIf((_, value) => value !== undefined),
    Follows(
      'isCategory',
      (value) => typeof value === 'string' && CATEGORY_PATTERN.test(value),
      CATEGORY_RULE,
    ),
  );
}

/** POST /settings. */
export class CreateSettingDto {
  @ApiProperty({ pattern: SETTING_KEY_PATTERN.source, maxLength: 100, example: 'company_fax' })
  @Follows('isSettingKey', isSettingKey, SETTING_KEY_RULE)
  key: string;

  @ApiProperty({
    ...JSON_VALUE_SCHEMA,
    example: '+855 23 000 000',
    description:
      `Any JSON value (string, number, boolean, object, array or null), at most ` +
      `${MAX_VALUE_BYTES / 1024} kB as JSON. A known key's value must have its declared type ` +
      'and range (422 otherwise).',
  })
  @Follows('isPresent', (value) => value !== undefined, 'given (any JSON value; null is a value)')
  value: unknown;

  @CategoryField('Unknown keys only (default `general`); a known key keeps its own category.')
  category?: string;

  @ApiPropertyOptional({
    maxLength: 1000,
    nullable: true,
    type: String,
    description: 'Unknown keys only; a known key keeps its own description. "" means none.',
  })
  @Trim()
  @EmptyToNull()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  // PostgreSQL's text refuses it (a 500 otherwise).
  @Follows('hasNoNul', (value) => !String(value).includes('\u0000'), 'free of NUL (\\u0000)')
  description?: string | null;

  @ApiPropertyOptional({
    default: false,
    description:
      'Whether non-admins may read it. Unknown keys only; a known key keeps its own visibility.',
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  is_public?: boolean;
}

/** PUT /settings/{key}. */
export class UpdateSettingDto extends OmitType(CreateSettingDto, ['key'] as const) {}

/** GET /settings. */
export class ListSettingsQuery {
  @CategoryField('Only this category.')
  category?: string;
}
