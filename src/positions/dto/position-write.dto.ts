import { PartialType } from '@nestjs/swagger';
import { DescriptionField, IsActiveField, NameField } from '../../org-units/org-fields';

export class CreatePositionDto {
  @NameField() name: string;
  @DescriptionField() description?: string | null;
  @IsActiveField() is_active?: boolean;
}

/** PUT and PATCH alike: only the fields present change. */
export class UpdatePositionDto extends PartialType(CreatePositionDto, {
  skipNullProperties: false,
}) {}
