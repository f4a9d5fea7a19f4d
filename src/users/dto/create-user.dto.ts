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

/** POST /users (and the first-admin set-up). */
export class CreateUserDto {
  @UsernameField('required') username: string;
  @EmailField('required') email: string;
  @PasswordField('required') password: string;
  @NameField('required', 'Sokha') first_name: string;
  @NameField('required', 'Chan') last_name: string;
  @PhoneField('nullable') phone_number?: string | null;
  @EmployeeIdField('nullable') employee_id?: string | null;
  @RoleField('optional', 'Defaults to the `default_user_role` setting (officer).') role?: Role;
  @StatusField('optional') status?: UserStatus;
  @IsActiveField('optional') is_active?: boolean;
  @ReferenceField('nullable', 'department') department_id?: string | null;
  @ReferenceField('nullable', "branch; a manager's users default to (and must be in) their branch")
  branch_id?: string | null;
  @ReferenceField('nullable', 'position') position_id?: string | null;
  @ProfileImageUrlField('nullable') profile_image_url?: string | null;
}
