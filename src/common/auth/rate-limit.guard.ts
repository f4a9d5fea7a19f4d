import { type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import type { Request, Response } from 'express';
import { ProblemException } from '../http/problem';
import { AccessTokenService } from './access-token.service';

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

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const req = request as unknown as Request;
    const claims = this.tokens.claimsOf(req);
    return Promise.resolve(claims ? `user:${claims.sub}` : `ip:${req.ip}`);
  }

  /**
   * The counter's key: route, limit name and tracker as they are. The library hashes them with
   * SHA-256 on every request, which buys nothing here (the parts are short and never secret).
   */
  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${name}-${tracker}`;
  }

  /** One `Retry-After` header whichever limit was hit (named limits get a suffixed one too). */
  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
    return Promise.reject(
      new ProblemException(
        HttpStatus.TOO_MANY_REQUESTS,
        `Too many requests. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
        { type: 'rate-limited' },
      ),
    );
  }
}
