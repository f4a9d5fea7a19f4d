import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PasswordField } from './user-fields';

/** PATCH /users/me/change-password. */
export class ChangePasswordDto {
  @ApiProperty({ type: String, format: 'password', maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  old_password: string;

  @PasswordField(
    'required',
    'Must follow the password rules in force and differ from the current one.',
  )
  new_password: string;
}
