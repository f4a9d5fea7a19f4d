import { ApiProperty } from '@nestjs/swagger';
import type { Setting } from '../setting.entity';
import { JSON_VALUE_SCHEMA } from './setting-write.dto';

/** A setting as `GET /settings` lists it, under its category and key. */
export class SettingSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ ...JSON_VALUE_SCHEMA, description: 'Any JSON value' }) value: unknown;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ description: 'Whether non-admins may read it' }) is_public: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/** One setting. */
export class SettingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'password_min_length' }) key: string;
  @ApiProperty({ ...JSON_VALUE_SCHEMA, description: 'Any JSON value', example: 8 }) value: unknown;
  @ApiProperty({ example: 'security' }) category: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ description: 'Whether non-admins may read it' }) is_public: boolean;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null for the rows the server seeded',
  })
  created_by: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) updated_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/** `DELETE /settings/{key}` of a known key: it was reset to its default. */
export class SettingResetDto extends SettingDto {
  @ApiProperty({ example: 'The setting "password_min_length" was reset to its default.' })
  detail: string;
}

/** `PATCH /settings/bulk`. */
export class SettingsBulkResultDto {
  @ApiProperty({ type: [SettingDto], description: 'The settings named in the request, as saved' })
  updated: SettingDto[];
}

/** `POST /settings/initialize`. */
export class SettingsInitializedDto {
  @ApiProperty({
    type: [String],
    example: ['risk_weights'],
    description: 'The known keys that were missing and now have their default (often none)',
  })
  created: string[];
}

/** `GET /settings`: `{category: {key: setting}}`. */
export type GroupedSettingsDto = Record<string, Record<string, SettingSummaryDto>>;

export function toSettingDto(setting: Setting): SettingDto {
  return {
    id: setting.id,
    key: setting.key,
    value: setting.value,
    category: setting.category,
    description: setting.description,
    is_public: setting.isPublic,
    created_by: setting.createdBy,
    updated_by: setting.updatedBy,
    created_at: setting.createdAt.toISOString(),
    updated_at: setting.updatedAt.toISOString(),
  };
}

/** Groups rows by category, keeping their order. */
export function toGroupedSettings(settings: Setting[]): GroupedSettingsDto {
  const groups = new Map<string, [string, SettingSummaryDto][]>();
  for (const setting of settings) {
    const group = groups.get(setting.category) ?? [];
    group.push([
      setting.key,
      {
        id: setting.id,
        value: setting.value,
        description: setting.description,
        is_public: setting.isPublic,
        created_at: setting.createdAt.toISOString(),
        updated_at: setting.updatedAt.toISOString(),
      },
    ]);
    groups.set(setting.category, group);
  }
  // fromEntries defines own properties, so no key (not even "constructor") can reach a prototype.
  return Object.fromEntries(
    [...groups].map(([category, entries]) => [category, Object.fromEntries(entries)]),
  );
}
