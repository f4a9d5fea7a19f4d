import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import type { AppConfig } from '../../config/app-config';
import { RateLimitCounters } from './rate-limit-counters';

const WARN_EVERY_MS = 60_000;
const SWEEP_EVERY_MS = 60_000;

/**
 * Rate-limit counters: in Redis when REDIS_URL is set (shared by every instance), in memory
 * otherwise. When Redis does not answer, counting falls back to memory for that moment
 * (logged, at most once a minute) instead of failing or stalling every request; readiness
 * reports Redis as down meanwhile.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitStorage.name);
  private readonly memory = new RateLimitCounters();
  private readonly sweeper = setInterval(() => this.memory.sweep(), SWEEP_EVERY_MS).unref();
  private readonly redis?: Redis;
  private readonly shared?: ThrottlerStorageRedisService;
  private lastWarning = 0;

  constructor(config: ConfigService<AppConfig, true>) {
    const { url, keyPrefix } = config.get('redis', { infer: true });
    if (url) {
      this.redis = new Redis(url, {
        keyPrefix,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 1000,
        commandTimeout: 500,
        // Short back-off: counters return to Redis soon after it does (a pending reconnect
        // timer also delays process exit by at most this much).
        retryStrategy: (attempt) => Math.min(attempt * 100, 500),
      });
      this.redis.on('error', () => undefined); // reported by increment() and readiness
      this.shared = new ThrottlerStorageRedisService(this.redis);
    }
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.shared) {
      try {
        return await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
      } catch (error) {
        if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
          this.lastWarning = Date.now();
          this.logger.warn({ err: error }, 'Redis unavailable: rate limits counted in memory');
        }
      }
    }
    return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  /** Whether counters are shared through Redis (REDIS_URL set). */
  get usesRedis(): boolean {
    return this.redis !== undefined;
  }

  /** Readiness: Redis answers PING within the deadline. */
  async ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    try {
      await Promise.race([this.redis!.ping(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect(false);
    clearInterval(this.sweeper);
  }
}

@Module({ providers: [RateLimitStorage], exports: [RateLimitStorage] })
export class RateLimitStorageModule {}
