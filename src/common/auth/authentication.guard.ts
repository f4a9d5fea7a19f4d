import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ClsService } from 'nestjs-cls';
import { AccessTokenService, bearerToken } from './access-token.service';
import { IS_PUBLIC } from './decorators';

/** Global: every route needs a valid access token unless it is @Public(). */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly cls: ClsService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request);
    if (!token) throw new UnauthorizedException('Sign in first: this route needs a bearer token.');
    const user = this.tokens.verify(token);
    if (!user) throw new UnauthorizedException('The access token is invalid or has expired.');
    request.user = user;
    this.cls.set('user', user);
    return true;
  }
}
