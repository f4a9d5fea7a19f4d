import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, LoginRateLimit, Public, RequirePermissions } from '../common/auth/decorators';
import { ApiPasswordHashing, ApiProblems } from '../common/http/openapi';
import { CreateUserDto } from '../users/dto/create-user.dto';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { AuthService } from './auth.service';
import { LoginDto, RefreshDto } from './dto/login.dto';
import { SetupRequiredDto, TokenResponseDto } from './dto/token-response.dto';

function clientOf(request: Request) {
  return { ip: request.ip ?? 'unknown', userAgent: request.header('user-agent') ?? null };
}

@ApiTags('Auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @LoginRateLimit()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'auth_login',
    summary: 'Sign in with username (or email) and password',
    description:
      'OAuth2 password grant (form-urlencoded, as Swagger UI "Authorize" sends it) or JSON. ' +
      'Failed attempts count against the account, whether its username or its email was typed ' +
      '(any case): 5 from one IP within 15 minutes lock it for that IP, 20 from any IPs lock it ' +
      'for everyone, each for 15 minutes (429 with Retry-After). Unknown names count the same ' +
      '(per name), and an inactive account answers the same 401 as a wrong password. A success ' +
      'or an operator unlock resets the count. Also limited per IP (LOGIN_THROTTLE_LIMIT per ' +
      'LOGIN_THROTTLE_TTL_SECONDS).',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(401, 422, 429)
  @ApiPasswordHashing()
  login(@Body() credentials: LoginDto, @Req() request: Request): Promise<TokenResponseDto> {
    return this.auth.login(credentials, clientOf(request));
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'auth_refresh',
    summary: 'Exchange a refresh token for new tokens (rotation)',
    description:
      'Every refresh token works once. Presenting one that was already used revokes the whole ' +
      'session (its access tokens stop working too). Two refreshes racing with the same token: ' +
      'the second counts as reuse, so clients should refresh one at a time.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(401, 422, 429)
  refresh(@Body() body: RefreshDto): Promise<TokenResponseDto> {
    return this.auth.refresh(body.refresh_token);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermissions('profile:read')
  @ApiOperation({
    operationId: 'auth_logout',
    summary: 'Sign out: revokes the session; its tokens stop working at once on every instance',
  })
  @ApiNoContentResponse()
  logout(@CurrentUser() caller: AuthUser): Promise<void> {
    return this.auth.logout(caller);
  }

  @Get('me')
  @RequirePermissions('profile:read')
  @ApiOperation({ operationId: 'auth_me', summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() caller: AuthUser): Promise<UserResponseDto> {
    return this.auth.me(caller);
  }

  @Public()
  @Get('setup-required')
  @ApiOperation({
    operationId: 'auth_setup_required',
    summary: 'Whether the first administrator still has to be created',
  })
  @ApiOkResponse({ type: SetupRequiredDto })
  async setupRequired(): Promise<SetupRequiredDto> {
    return { setup_required: await this.auth.setupRequired() };
  }

  @Public()
  @LoginRateLimit()
  @Post('setup-first-admin')
  @ApiOperation({
    operationId: 'auth_setup_first_admin',
    summary: 'Create the first administrator (only while no user exists)',
    description:
      'Body as a user creation; the role is always admin. Safe against concurrent calls: exactly ' +
      'one succeeds, the others get 409. In production it needs the X-Setup-Token header equal to ' +
      'SETUP_TOKEN (without SETUP_TOKEN it is disabled; use `npm run cli -- create-admin`).',
  })
  @ApiHeader({ name: 'X-Setup-Token', required: false })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiProblems(403, 409, 422, 429)
  @ApiPasswordHashing()
  setupFirstAdmin(
    @Body() body: CreateUserDto,
    @Headers('x-setup-token') setupToken?: string,
  ): Promise<UserResponseDto> {
    return this.auth.setupFirstAdmin(body, setupToken);
  }
}
