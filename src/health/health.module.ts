import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RateLimitStorageModule } from '../common/auth/rate-limit.storage';
import { JobMetricsModule } from '../common/jobs/job-metrics';
import { CredentialsModule } from '../credentials/credentials.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RedisHealthIndicator } from './redis.health';
import { StorageHealthIndicator } from './storage.health';

@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    RateLimitStorageModule,
    JobMetricsModule,
    CredentialsModule,
  ],
  controllers: [HealthController, MetricsController],
  providers: [StorageHealthIndicator, RedisHealthIndicator, MetricsService],
  exports: [MetricsService],
})
export class HealthModule {}
