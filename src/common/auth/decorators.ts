import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiOAuth2 } from '@nestjs/swagger';
import { ApiProblems, PUBLIC_OPERATION } from '../http/openapi';
import type { Request } from 'express';
import type { AuthUser } from './auth-user';
import type { Permission } from './permissions';

export const IS_PUBLIC = 'auth:public';
const LOGIN_RATE_LIMITED = 'auth:login-rate-limited';
export const REQUIRED_PERMISSIONS = 'auth:permissions';

/**
 * Opts a route out of authentication (everything else requires a valid access token). OpenAPI
 * marks it public with `security: []`.
 */
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_OPERATION, true));

/**
 * The permission(s) a route needs; all of them must be held. Routes that are neither public
 * nor declare a permission are refused. Also documents the route's security in OpenAPI.
 */
export const RequirePermissions = (...permissions: [Permission, ...Permission[]]) =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS, permissions),
    ApiBearerAuth('bearer'),
    ApiOAuth2([], 'oauth2'),
    ApiProblems(401, 403, 429),
  );

/** The authenticated caller. Only on routes that are not @Public(). */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthUser =>
    context.switchToHttp().getRequest<Request>().user!,
);

/** The route also counts against the per-IP login limit (LOGIN_THROTTLE_LIMIT). */
export const LoginRateLimit = () => SetMetadata(LOGIN_RATE_LIMITED, true);

export function isLoginRateLimited(handler: object): boolean {
  return Reflect.getMetadata(LOGIN_RATE_LIMITED, handler) === true;
}
