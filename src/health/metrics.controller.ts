import { Controller, Get, Header, Headers, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import { prometheusContentType } from 'prom-client';
import { Public } from '../common/auth/decorators';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `GET /metrics` (outside /api/v1) in Prometheus text; METRICS_TOKEN guards it when set. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly token?: string;

  constructor(
    private readonly metrics: MetricsService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.token = config.get('app', { infer: true }).metricsToken;
  }

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', prometheusContentType)
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.token && !sameSecret(authorization ?? '', `Bearer ${this.token}`)) {
      throw new UnauthorizedException('The metrics need the METRICS_TOKEN as a bearer token.');
    }
    return this.metrics.registry.metrics();
  }
}
