import { ApiProperty } from '@nestjs/swagger';
import { UserResponseDto } from '../../users/dto/user-response.dto';

export class TokenResponseDto {
  @ApiProperty({ description: 'Bearer token for the Authorization header (JWT, HS256)' })
  access_token: string;

  @ApiProperty({
    description:
      'Opaque; exchange it at POST /auth/refresh for new tokens. Each refresh token works once: ' +
      'presenting a used one ends the session.',
  })
  refresh_token: string;

  @ApiProperty({ enum: ['bearer'] })
  token_type: 'bearer';

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expires_in: number;

  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;
}

export class SetupRequiredDto {
  @ApiProperty({ description: 'True while no user exists: POST /auth/setup-first-admin is open' })
  setup_required: boolean;
}
