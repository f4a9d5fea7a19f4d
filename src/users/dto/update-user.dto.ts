import type { Role } from '../../common/auth/permissions';
import type { UserStatus } from '../user.entity';
import {
  EmailField,
  EmployeeIdField,
  IsActiveField,
  NameField,
  PasswordField,
  PhoneField,
  ProfileImageUrlField,
  ReferenceField,
  RoleField,
  StatusField,
  UsernameField,
} from './user-fields';

/**
 * PUT and PATCH /users/{id}: both partial, only the fields present change. Optional columns
 * take null (or "") to clear them.
 */
export class UpdateUserDto {
  @UsernameField('optional') username?: string;
  @EmailField('optional') email?: string;
  @PasswordField(
    'optional',
    'Sets a new password (the rules in force apply) and ends all of their sessions. ' +
      'Not for your own account: use /users/me/change-password.',
  )
  password?: string;
  @NameField('optional', 'Sokha') first_name?: string;
  @NameField('optional', 'Chan') last_name?: string;
  @PhoneField('nullable') phone_number?: string | null;
  @EmployeeIdField('nullable') employee_id?: string | null;
  @RoleField('optional', 'Changing it is audited; nobody changes their own role.') role?: Role;
  @StatusField('optional') status?: UserStatus;
  @IsActiveField('optional') is_active?: boolean;
  @ReferenceField('nullable', 'department') department_id?: string | null;
  @ReferenceField('nullable', 'branch') branch_id?: string | null;
  @ReferenceField('nullable', 'position') position_id?: string | null;
  @ProfileImageUrlField('nullable') profile_image_url?: string | null;
}
