import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { Idempotent } from '../common/http/idempotency/idempotent.decorator';
import { ApiProblems } from '../common/http/openapi';
import {
  type GroupedSettingsDto,
  SettingDto,
  SettingResetDto,
  SettingsBulkResultDto,
  SettingsInitializedDto,
  SettingSummaryDto,
  toGroupedSettings,
  toSettingDto,
} from './dto/setting.dto';
import { CreateSettingDto, ListSettingsQuery, UpdateSettingDto } from './dto/setting-write.dto';
import { ParseSettingKeyPipe, ParseSettingValuesPipe } from './settings-http';
import { MAX_VALUE_BYTES, SETTING_KEY_RULE } from './settings-registry';
import { SettingsService } from './settings.service';

const VISIBILITY =
  'Admins see every setting; other roles only the public ones (`is_public`), and a ' +
  'non-public key is 404 for them.';

const KNOWN_KEYS =
  'Known keys (the registry, listed in the README) have a declared type and range: a wrong ' +
  `value is 422. A value is at most ${MAX_VALUE_BYTES / 1024} kB of JSON. Changes take effect ` +
  'on every instance within 5 seconds (at once while instances listen for changes).';

const ApiSettingKey = () =>
  ApiParam({
    name: 'key',
    example: 'password_min_length',
    description: `The setting's key: ${SETTING_KEY_RULE} (else 422).`,
  });

/**
 * System settings (SPEC §7). Static paths (`categories`, `bulk`, `initialize`) come before
 * `:key`. Which rows a caller may read, and every rule on values, live in SettingsService.
 */
@ApiTags('Settings')
@ApiExtraModels(SettingSummaryDto)
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @RequirePermissions('settings:read')
  @ApiOperation({
    operationId: 'settings_list',
    summary: 'Settings grouped by category: {category: {key: setting}}',
    description: `${VISIBILITY} \`category\` keeps one category (an unknown one gives \`{}\`).`,
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: { $ref: getSchemaPath(SettingSummaryDto) },
      },
    },
  })
  @ApiProblems(422)
  async list(
    @CurrentUser() caller: AuthUser,
    @Query() query: ListSettingsQuery,
  ): Promise<GroupedSettingsDto> {
    return toGroupedSettings(await this.settings.list(caller, query.category));
  }

  @Get('categories')
  @RequirePermissions('settings:read')
  @ApiOperation({
    operationId: 'settings_categories',
    summary: 'The categories of the settings you may see, by name',
    description:
      'Admins get every category that holds a setting; other roles the categories that hold ' +
      'at least one public setting.',
  })
  @ApiOkResponse({
    schema: {
      type: 'array',
      items: { type: 'string' },
      example: ['catalog', 'general', 'security'],
    },
  })
  categories(@CurrentUser() caller: AuthUser): Promise<string[]> {
    return this.settings.categories(caller);
  }

  @Patch('bulk')
  @RequirePermissions('settings:write')
  @ApiOperation({
    operationId: 'settings_bulk',
    summary: 'Set several values at once: {key: value} (all or nothing)',
    description:
      `${KNOWN_KEYS} Every key is checked before anything is saved; a 422 names each bad key ` +
      "in `errors[].loc` (`['body', key]`) and saves nothing. Values are checked against the " +
      'other values of the same request, so `catalog.currencies` gaining EUR and ' +
      '`default_currency: "EUR"` may come together. Unknown keys are created (category ' +
      '`general`, not public). `manager_approval_threshold` and `approval_limits.manager.USD` ' +
      'are one value: setting one sets the other; giving both with different amounts is 422.',
  })
  @ApiBody({
    schema: { type: 'object', additionalProperties: true },
    examples: {
      passwords: { value: { password_min_length: 10, password_require_special: true } },
    },
  })
  @ApiOkResponse({ type: SettingsBulkResultDto })
  @ApiProblems(422)
  async bulk(
    @CurrentUser() caller: AuthUser,
    @Body(ParseSettingValuesPipe) values: Record<string, unknown>,
  ): Promise<SettingsBulkResultDto> {
    const updated = await this.settings.bulk(caller, values);
    return { updated: updated.map(toSettingDto) };
  }

  @Post('initialize')
  @HttpCode(200)
  @RequirePermissions('settings:write')
  @ApiOperation({
    operationId: 'settings_initialize',
    summary: 'Create the known settings that are missing, with their defaults',
    description:
      'The server does this at every start, so the answer is usually `{"created": []}`. ' +
      'Existing values are never changed; calling it again is harmless.',
  })
  @ApiOkResponse({ type: SettingsInitializedDto })
  async initialize(@CurrentUser() caller: AuthUser): Promise<SettingsInitializedDto> {
    return { created: await this.settings.initialize(caller) };
  }

  @Get(':key')
  @ApiSettingKey()
  @RequirePermissions('settings:read')
  @ApiOperation({ operationId: 'settings_get', summary: 'One setting', description: VISIBILITY })
  @ApiOkResponse({ type: SettingDto })
  @ApiProblems(404, 422)
  async get(
    @CurrentUser() caller: AuthUser,
    @Param('key', ParseSettingKeyPipe) key: string,
  ): Promise<SettingDto> {
    return toSettingDto(await this.settings.findVisible(caller, key));
  }

  @Post()
  @Idempotent()
  @RequirePermissions('settings:write')
  @ApiOperation({
    operationId: 'settings_create',
    summary: 'Create a setting',
    description:
      `${KNOWN_KEYS} A key that exists is 409 (use PUT); known keys always exist (the server ` +
      'creates them), so POST is for new, unknown keys: they take `category` (default ' +
      '`general`), `description` and `is_public` (default false).',
  })
  @ApiCreatedResponse({ type: SettingDto })
  @ApiProblems(409, 422)
  async create(
    @CurrentUser() caller: AuthUser,
    @Body() body: CreateSettingDto,
  ): Promise<SettingDto> {
    const { key, ...input } = body;
    return toSettingDto(await this.settings.create(caller, key, input));
  }

  @Put(':key')
  @ApiSettingKey()
  @RequirePermissions('settings:write')
  @ApiOperation({
    operationId: 'settings_put',
    summary: "Set a setting's value",
    description:
      `${KNOWN_KEYS} For a known key only \`value\` changes: its category, description and ` +
      'visibility are fixed by the registry, and those fields are ignored. For an unknown key ' +
      'the fields given change too, and a key that does not exist yet is created. ' +
      '`manager_approval_threshold` and `approval_limits.manager.USD` are one value: setting ' +
      'one sets the other.',
  })
  @ApiOkResponse({ type: SettingDto })
  @ApiProblems(409, 422)
  async put(
    @CurrentUser() caller: AuthUser,
    @Param('key', ParseSettingKeyPipe) key: string,
    @Body() body: UpdateSettingDto,
  ): Promise<SettingDto> {
    return toSettingDto(await this.settings.put(caller, key, body));
  }

  @Delete(':key')
  @ApiSettingKey()
  @RequirePermissions('settings:write')
  @ApiOperation({
    operationId: 'settings_delete',
    summary: 'Delete a setting, or reset a known one to its default',
    description:
      'An unknown key is deleted: 204. A known key cannot be deleted (the server obeys it or ' +
      'the web app reads it): it is reset to its default instead, and the answer is 200 with ' +
      'the setting and a `detail` saying so. A reset that would break another setting (e.g. ' +
      '`catalog.currencies` without the `default_currency` in force) is 409.',
  })
  @ApiNoContentResponse({ description: 'An unknown key: deleted' })
  @ApiOkResponse({ type: SettingResetDto, description: 'A known key: reset to its default' })
  @ApiProblems(404, 409, 422)
  async remove(
    @CurrentUser() caller: AuthUser,
    @Param('key', ParseSettingKeyPipe) key: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SettingResetDto | undefined> {
    const reset = await this.settings.remove(caller, key);
    if (!reset) {
      response.status(204);
      return undefined;
    }
    return {
      ...toSettingDto(reset),
      detail: `The setting "${key}" cannot be deleted; it was reset to its default.`,
    };
  }
}
