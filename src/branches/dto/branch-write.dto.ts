import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { TextField } from '../../common/http/fields';
import { CodeField, IsActiveField, ManagerIdField, NameField } from '../../org-units/org-fields';

/** A number or a numeric string (forms send text); "" means none. Anything else is refused. */
function toCoordinate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return null;
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : value;
}

function Coordinate(limit: number, example: number) {
  return applyDecorators(
    ApiPropertyOptional({
      type: Number,
      nullable: true,
      minimum: -limit,
      maximum: limit,
      example,
      description:
        'Degrees, a number or a numeric string (kept to 6 decimals); "" or null for none.',
    }),
    Transform(({ value }) => toCoordinate(value)),
    IsOptional(),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(-limit),
    Max(limit),
  );
}

export class CreateBranchDto {
  @NameField() name: string;
  @CodeField() code: string;
  @TextField('required', 500, { example: 'No. 12, Preah Norodom Blvd, Phnom Penh' })
  address: string;

  @TextField('nullable', 30)
  @Matches(/^\+?[0-9][0-9 ().-]*$/, {
    message: 'must be a phone number (digits, spaces, +, -, . and parentheses)',
  })
  phone_number?: string | null;

  @TextField('nullable', 255)
  @IsEmail()
  email?: string | null;

  @ManagerIdField() manager_id?: string | null;
  @Coordinate(90, 11.5564) latitude?: number | null;
  @Coordinate(180, 104.9282) longitude?: number | null;
  @IsActiveField() is_active?: boolean;
}

/** PUT and PATCH alike: only the fields present change. */
export class UpdateBranchDto extends PartialType(CreateBranchDto, { skipNullProperties: false }) {}
