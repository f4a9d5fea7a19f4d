import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../common/auth/decorators';
import { ProblemException } from '../common/http/problem';
import { ApiProblems } from '../common/http/openapi';
import { RedisHealthIndicator } from './redis.health';
import { StorageHealthIndicator } from './storage.health';

const CHECK_TIMEOUT_MS = 1500;

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly storage: StorageHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Public()
  @Get()
  @ApiOperation({
    operationId: 'health_readiness',
    summary: 'Readiness: database and storage (and Redis when configured) answer',
    description: 'Each check has a 1.5 s deadline. 503 names the dependency that is down.',
  })
  @ApiOkResponse({ description: 'Every dependency is up.' })
  @ApiProblems(HttpStatus.SERVICE_UNAVAILABLE)
  async readiness() {
    const checks: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
      () => this.storage.check('storage', CHECK_TIMEOUT_MS),
    ];
    if (this.redis.configured) checks.push(() => this.redis.check('redis', CHECK_TIMEOUT_MS));
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as { error?: Record<string, unknown>; details?: unknown };
      const down = Object.keys(result.error ?? {});
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        `Not ready: ${down.join(' and ') || 'a dependency'} ${down.length > 1 ? 'are' : 'is'} down.`,
        { type: 'not-ready', extensions: { down, details: result.details } },
      );
    }
  }
}
