import { applyDecorators } from '@nestjs/common';
import {
  ApiHideProperty,
  ApiProperty,
  ApiPropertyOptional,
  type ApiPropertyOptions,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDate,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { Decimal, MONEY_MAX, moneyText } from '../money';
import { EmptyToNull, Trim } from './transforms';

/**
 * Request-body fields: validator, transformer and OpenAPI text behind one name, so every body
 * says the same thing about the same kind of field.
 *
 * - `required`: must be present (create).
 * - `optional`: may be left out, but not null: a column that always has a value (partial update).
 * - `nullable`: may be left out; `""` and null mean "none" (the web app sends `""` for blanks).
 */
export type Presence = 'required' | 'optional' | 'nullable';

export function field(
  presence: Presence,
  api: ApiPropertyOptions,
  ...decorators: PropertyDecorator[]
): PropertyDecorator {
  switch (presence) {
    case 'required':
      return applyDecorators(ApiProperty(api), ...decorators);
    case 'optional':
      return applyDecorators(
        ApiPropertyOptional(api),
        ValidateIf((_object, value) => value !== undefined),
        ...decorators,
      );
    case 'nullable':
      return applyDecorators(
        ApiPropertyOptional({ ...api, nullable: true } as ApiPropertyOptions),
        EmptyToNull(),
        IsOptional(),
        ...decorators,
      );
  }
}

/** Trimmed text of at most `max` characters (not blank when required). */
export const TextField = (presence: Presence, max: number, api: ApiPropertyOptions = {}) =>
  field(
    presence,
    { type: String, maxLength: max, ...api } as ApiPropertyOptions,
    Trim(),
    IsString(),
    ...(presence === 'nullable' ? [] : [IsNotEmpty()]),
    MaxLength(max),
  );

/** The longest `search` a list takes: a longer one is 422 (it could only cost the database). */
export const MAX_SEARCH_LENGTH = 100;

/** A list's free-text `search` query parameter. */
export const SearchField = (description: string) =>
  TextField('nullable', MAX_SEARCH_LENGTH, { description });

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

/** A calendar date, `YYYY-MM-DD`, that exists. */
export const DateField = (presence: Presence, api: ApiPropertyOptions = {}) =>
  field(
    presence,
    { type: String, format: 'date', example: '2026-01-31', ...api } as ApiPropertyOptions,
    Trim(),
    ValidateBy({
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: () => 'must be a date written YYYY-MM-DD',
      },
    }),
  );

/**
 * `date_to` must not be before `date_from` (both `YYYY-MM-DD`, so their text compares as the
 * days do): 422 `date_range` on `date_to`, as `GET /audit` says it (dashboard pipeline and turnaround). Checks nothing while either
 * is missing or malformed (their own checks say so).
 */
export const NotBeforeDateFrom = () =>
  ValidateBy({
    name: 'date_range',
    validator: {
      validate: (dateTo: unknown, args) => {
        const dateFrom = (args?.object as { date_from?: unknown }).date_from;
        if (typeof dateTo !== 'string' || typeof dateFrom !== 'string') return true;
        if (!isCalendarDate(dateTo) || !isCalendarDate(dateFrom)) return true;
        return dateTo >= dateFrom;
      },
      defaultMessage: () => 'must not be before date_from',
    },
  });

export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * An amount of money: a JSON number or numeric string with at most two decimals, kept as
 * decimal text (never a float). `positive`: must be above zero, else zero is allowed.
 */
export const MoneyField = (presence: Presence, options: { positive?: boolean } = {}) =>
  field(
    presence,
    {
      type: Number,
      example: 1500.5,
      minimum: 0,
      exclusiveMinimum: options.positive,
      maximum: Number(MONEY_MAX),
      description: 'A number or numeric string with at most two decimals.',
    },
    Transform(({ value }) => moneyText(value) ?? value),
    ValidateBy({
      name: 'isMoney',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          moneyText(value) === value &&
          (options.positive ? new Decimal(value).gt(0) : new Decimal(value).gte(0)),
        defaultMessage: () =>
          `must be an amount ${options.positive ? 'above 0' : 'of 0 or more'} with at most two decimals, at most ${MONEY_MAX}`,
      },
    }),
  );

/** An ISO 8601 time with a date and a time zone (`2025-01-31T10:00:00Z`), else left for 422. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

function toDate(value: unknown): unknown {
  if (typeof value !== 'string' || !ISO_TIME.test(value.trim())) return value;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? value : date;
}

/** `updated_since` of the lists (SPEC §3): rows changed at or after an ISO time. */
export const UpdatedSinceField = () =>
  field(
    'nullable',
    {
      type: String,
      format: 'date-time',
      description: 'Only rows changed at or after this time (ISO 8601 with a time zone)',
    },
    Transform(({ value }) => toDate(value)),
    IsDate({ message: 'must be an ISO 8601 time with a time zone, e.g. 2025-01-31T10:00:00Z' }),
  );

/** An optional UUID in a query or body. */
export const UuidField = (presence: Presence, description?: string) =>
  field(
    presence,
    { type: String, format: 'uuid', description },
    IsUUID('all', { message: 'must be a UUID' }),
  );

/**
 * Makes `names` known to the body class `dto` only to refuse them: a body that sets one is
 * 422 naming it ("is written by the server only"), clearer than "not an allowed field".
 * Hidden from OpenAPI.
 */
export function refuseServerFields(
  dto: abstract new (...args: never[]) => object,
  names: readonly string[],
  hint = '',
): void {
  for (const name of names) {
    ApiHideProperty()(dto.prototype, name);
    ValidateIf((_object, value) => value !== undefined)(dto.prototype, name);
    ValidateBy({
      name: 'serverField',
      validator: {
        validate: () => false,
        defaultMessage: () => `is written by the server only${hint}`,
      },
    })(dto.prototype, name);
  }
}
