import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { AccessTokenService, bearerToken } from './access-token.service';

/**
 * Global, first guard: the default limit counts per user when the request carries a valid
 * access token, else per client IP (as resolved through TRUST_PROXY).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tokens: AccessTokenService,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const req = request as unknown as Request;
    const token = bearerToken(req);
    const claims = token ? this.tokens.verify(token) : undefined;
    return claims ? `user:${claims.sub}` : `ip:${req.ip}`;
  }
}
