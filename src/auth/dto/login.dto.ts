import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** OAuth2 password grant (form-urlencoded, as Swagger's "Authorize" sends it) or JSON. */
export class LoginDto {
  @ApiProperty({ description: 'Username or email', example: 'admin' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  username: string;

  @ApiProperty({ example: 'Password1!', format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ enum: ['password'] })
  @IsOptional()
  @Equals('password', { message: 'must be "password" (the OAuth2 password grant)' })
  grant_type?: string;

  @ApiPropertyOptional({ description: 'Ignored (OAuth2 field)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @ApiPropertyOptional({ description: 'Ignored (OAuth2 field)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Ignored (OAuth2 field)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  client_secret?: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last login or refresh' })
  @IsString()
  @MaxLength(4096)
  refresh_token: string;
}
