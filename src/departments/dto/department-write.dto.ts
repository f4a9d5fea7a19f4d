import { PartialType } from '@nestjs/swagger';
import {
  CodeField,
  DescriptionField,
  IsActiveField,
  ManagerIdField,
  NameField,
} from '../../org-units/org-fields';

export class CreateDepartmentDto {
  @NameField() name: string;
  @CodeField() code: string;
  @DescriptionField() description?: string | null;
  @ManagerIdField() manager_id?: string | null;
  @IsActiveField() is_active?: boolean;
}

/** PUT and PATCH alike: only the fields present change. */
export class UpdateDepartmentDto extends PartialType(CreateDepartmentDto, {
  skipNullProperties: false,
}) {}
