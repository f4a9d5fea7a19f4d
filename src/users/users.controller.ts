import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { type IfMatch, IfMatchHeader } from '../common/http/etag';
import { Idempotent } from '../common/http/idempotency/idempotent.decorator';
import { ApiIfMatch, ApiPasswordHashing, ApiProblems } from '../common/http/openapi';
import { PartialUpdate } from '../common/http/partial-update';
import { ApiPageResponse, type Page } from '../common/http/pagination';
import { UuidParam } from '../common/http/validation';
import { ChangePasswordDto } from './dto/change-password.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserDeactivatedDto, UserResponseDto, UserStatsDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

const IF_MATCH = 'The `ETag` (version) you read, e.g. `"3"`; a stale one is 412.';

const SCOPE_NOTE =
  'Admins see every user; managers the users of their own branch and themselves. ' +
  'Users outside your scope are 404.';

/**
 * Users (SPEC §7). Static paths (`stats`, `me`) come before `:id`. Permissions say which roles
 * reach a route; which users they may touch is decided in UsersService (user-rules.ts).
 */
@ApiTags('Users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequirePermissions('users:read')
  @ApiOperation({
    operationId: 'users_list',
    summary: 'List users in your scope, newest first',
    description: SCOPE_NOTE,
  })
  @ApiPageResponse(UserResponseDto)
  @ApiProblems(422)
  list(
    @CurrentUser() actor: AuthUser,
    @Query() query: ListUsersQuery,
  ): Promise<Page<UserResponseDto>> {
    return this.users.list(actor, query);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('users:write')
  @ApiOperation({
    operationId: 'users_create',
    summary: 'Create a user',
    description:
      'Managers create officers and viewers of their own branch only (the branch defaults to ' +
      'theirs). `role` defaults to the `default_user_role` setting (officer). Duplicate ' +
      'username (ignoring case), email (ignoring case) or employee_id is 409.',
  })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiProblems(409, 422)
  @ApiPasswordHashing()
  create(@CurrentUser() actor: AuthUser, @Body() body: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(body, actor);
  }

  @Get('stats')
  @RequirePermissions('users:read')
  @ApiOperation({
    operationId: 'users_stats',
    summary: 'Counts of users in your scope: by status, role and branch',
    description: `${SCOPE_NOTE} \`by_branch\` has one entry with \`branch_id: null\` for users without a branch.`,
  })
  @ApiOkResponse({ type: UserStatsDto })
  stats(@CurrentUser() actor: AuthUser): Promise<UserStatsDto> {
    return this.users.stats(actor);
  }

  @Get('me')
  @RequirePermissions('profile:read')
  @ApiOperation({ operationId: 'users_get_me', summary: 'Your own user record' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() actor: AuthUser): Promise<UserResponseDto> {
    return this.users.me(actor);
  }

  @Patch('me')
  @RequirePermissions('profile:write')
  @ApiOperation({
    operationId: 'users_update_me',
    summary: 'Edit your own names, phone, email and profile image',
    description:
      'Any other field is 422; role, status, branch and the like change through /users/{id}.',
  })
  @ApiIfMatch(IF_MATCH)
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(409, 412, 422)
  updateMe(
    @CurrentUser() actor: AuthUser,
    @Body() body: UpdateProfileDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<UserResponseDto> {
    return this.users.updateProfile(actor, body, ifMatch);
  }

  @Patch('me/change-password')
  @HttpCode(204)
  @RequirePermissions('profile:write')
  @ApiOperation({
    operationId: 'users_change_password',
    summary: 'Change your own password',
    description:
      'A wrong `old_password` is 422 on `old_password`; the new one must follow the rules. ' +
      'Your other sessions end; this one goes on.',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiProblems(422)
  @ApiPasswordHashing()
  async changePassword(
    @CurrentUser() actor: AuthUser,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    await this.users.changePassword(actor, body);
  }

  @Get(':id')
  @RequirePermissions('users:read')
  @ApiOperation({ operationId: 'users_get', summary: 'One user', description: SCOPE_NOTE })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(404, 422)
  findOne(@CurrentUser() actor: AuthUser, @UuidParam('id') id: string): Promise<UserResponseDto> {
    return this.users.findOne(actor, id);
  }

  @Patch(':id')
  @PartialUpdate({
    permission: 'users:write',
    type: UserResponseDto,
    ifMatch: IF_MATCH,
    operation: {
      operationId: 'users_update',
      summary: 'Update a user (partial)',
      description:
        'Only the fields present change. `password` sets a new password and ends their ' +
        'sessions; `status: inactive` (or `is_active: false`) ends their sessions. Nobody changes ' +
        'their own role (403) or deactivates themselves (409). Managers edit only officers and ' +
        'viewers of their branch, cannot give the admin or manager role, nor move users to ' +
        'another branch (403).',
    },
  })
  @ApiPasswordHashing()
  update(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateUserDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<UserResponseDto> {
    return this.users.update(actor, id, body, ifMatch);
  }

  @Put(':id')
  @PartialUpdate({
    permission: 'users:write',
    type: UserResponseDto,
    ifMatch: IF_MATCH,
    operation: {
      operationId: 'users_update_put',
      summary: 'Update a user (partial, same as PATCH)',
      description: 'PUT is a partial update too (SPEC §6): the web app sends only changed fields.',
    },
  })
  @ApiPasswordHashing()
  put(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateUserDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<UserResponseDto> {
    return this.update(actor, id, body, ifMatch);
  }

  @Delete(':id')
  @RequirePermissions('users:write')
  @ApiOperation({
    operationId: 'users_delete',
    summary: 'Delete a user, or deactivate one who owns records',
    description:
      'A user who owns no records is deleted (204). One who owns records (manages a ' +
      'department or branch; created, submitted, reviews, approved or rejected an application; ' +
      'created a customer or folder; uploaded a file) is deactivated instead, their sessions ' +
      'end, and the answer is 200 `{id, status: "inactive", detail}` naming what they own. ' +
      'Deleting yourself is 409.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiOkResponse({ type: UserDeactivatedDto, description: 'Owns records: deactivated instead' })
  @ApiProblems(404, 409, 422)
  async remove(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserDeactivatedDto | undefined> {
    const deactivated = await this.users.remove(actor, id);
    if (!deactivated) response.status(204);
    return deactivated;
  }

  @Post(':id/unlock')
  @HttpCode(204)
  @RequirePermissions('users:operate')
  @ApiOperation({
    operationId: 'users_unlock',
    summary: 'Unlock a locked account (forget its failed logins)',
    description:
      'Clears the failed logins counted against the account (typed as username or email, any ' +
      'case), on every instance and from every IP.',
  })
  @ApiNoContentResponse({ description: 'Unlocked' })
  @ApiProblems(404, 422)
  async unlock(@CurrentUser() actor: AuthUser, @UuidParam('id') id: string): Promise<void> {
    await this.users.unlock(actor, id);
  }

  @Delete(':id/sessions')
  @HttpCode(204)
  @RequirePermissions('users:operate')
  @ApiOperation({
    operationId: 'users_revoke_sessions',
    summary: "End all of a user's sessions",
    description: 'Their access and refresh tokens stop working at once, on every instance.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(404, 422)
  async revokeSessions(@CurrentUser() actor: AuthUser, @UuidParam('id') id: string): Promise<void> {
    await this.users.revokeSessions(actor, id);
  }
}
