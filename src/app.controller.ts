import { Controller, Get } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from './common/auth/decorators';
import type { AppConfig } from './config/app-config';

@ApiTags('Health')
@Controller()
export class AppController {
  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  @Public()
  @Get()
  @ApiOperation({ operationId: 'service_info', summary: 'Service name and version' })
  info() {
    const app = this.config.get('app', { infer: true });
    return { name: app.name, version: app.version, docs: '/docs', health: '/api/v1/health' };
  }
}
