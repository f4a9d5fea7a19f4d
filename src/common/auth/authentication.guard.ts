import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ClsService } from 'nestjs-cls';
import { AccessTokenService, bearerToken } from './access-token.service';
import { IS_PUBLIC } from './decorators';
import { SESSION_AUTHENTICATOR, type SessionAuthenticator } from './session-authenticator';

/**
 * Global: every route needs a valid access token unless it is @Public(). The token's session
 * and user are checked in PostgreSQL on every request (one query by primary keys), so a
 * logout, a revocation or a deactivation takes effect at once on every instance. Authenticated
 * answers are `Cache-Control: no-store`.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly cls: ClsService,
    @Inject(SESSION_AUTHENTICATOR) private readonly sessions: SessionAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!bearerToken(request)) {
      throw new UnauthorizedException('Sign in first: this route needs a bearer token.');
    }
    const claims = this.tokens.claimsOf(request);
    if (!claims) throw new UnauthorizedException('The access token is invalid or has expired.');
    const user = await this.sessions.authenticate(claims);
    if (!user) {
      throw new UnauthorizedException(
        'Your session has ended (signed out, revoked or account deactivated). Sign in again.',
      );
    }
    request.user = user;
    this.cls.set('user', user);
    // What a signed-in caller reads is theirs: no shared or browser cache keeps it. A route
    // that allows caching (a thumbnail) sets its own header, which replaces this one.
    context.switchToHttp().getResponse<Response>().setHeader('Cache-Control', 'no-store');
    return true;
  }
}
