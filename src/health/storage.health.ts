import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { StorageService } from '../storage/storage.service';

/** The bucket answers a HEAD within the deadline. */
@Injectable()
export class StorageHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly storage: StorageService,
  ) {}

  async check(key: 'storage', timeoutMs: number) {
    const indicator = this.indicators.check(key);
    try {
      await this.storage.checkBucket(AbortSignal.timeout(timeoutMs));
      return indicator.up({ bucket: this.storage.bucket });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable';
      return indicator.down({ bucket: this.storage.bucket, message: reason });
    }
  }
}
