import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RateLimitStorage } from '../common/auth/rate-limit.storage';

/** Only checked when REDIS_URL is configured (rate-limit counters live there). */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly rateLimits: RateLimitStorage,
  ) {}

  get configured(): boolean {
    return this.rateLimits.usesRedis;
  }

  async check(key: 'redis', timeoutMs: number) {
    const indicator = this.indicators.check(key);
    try {
      await this.rateLimits.ping(timeoutMs);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'unreachable' });
    }
  }
}
