import { EmailField, NameField, PhoneField, ProfileImageUrlField } from './user-fields';

/** PATCH /users/me: names, phone, email and profile image only; any other field is 422. */
export class UpdateProfileDto {
  @NameField('optional', 'Sokha') first_name?: string;
  @NameField('optional', 'Chan') last_name?: string;
  @PhoneField('nullable') phone_number?: string | null;
  @EmailField('optional') email?: string;
  @ProfileImageUrlField('nullable') profile_image_url?: string | null;
}
