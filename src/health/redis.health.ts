import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';

/** Only checked when REDIS_URL is configured (rate-limit counters live there). */
@Injectable()
export class RedisHealthIndicator implements OnApplicationShutdown {
  private client?: Redis;

  constructor(
    private readonly indicators: HealthIndicatorService,
    config: ConfigService<AppConfig, true>,
  ) {
    const url = config.get('redis', { infer: true }).url;
    if (url) {
      this.client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      });
      this.client.on('error', () => undefined); // reported by the check
    }
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  async check(key: 'redis', timeoutMs: number) {
    const indicator = this.indicators.check(key);
    try {
      if (this.client!.status === 'wait') await this.client!.connect();
      await Promise.race([
        this.client!.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), timeoutMs).unref(),
        ),
      ]);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'unreachable' });
    }
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}
