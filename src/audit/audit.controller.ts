import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { ApiProblems } from '../common/http/openapi';
import { ApiPageResponse, type Page } from '../common/http/pagination';
import { AuditService } from './audit.service';
import { AuditEventDto } from './dto/audit-event.dto';
import { ListAuditQuery } from './dto/list-audit.query';

/** The audit log (SPEC §7 "Audit"): read-only; events are written by AuditService alone. */
@ApiTags('Audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermissions('audit:read')
  @ApiOperation({
    operationId: 'audit_list',
    summary: 'The audit log, newest first',
    description:
      'Admins read every event. Managers read the events of their branch (`branch_id`), of ' +
      'their department (`department_id`), and those they did themselves; officers and viewers ' +
      'are refused (403). Filters combine with AND: `actor_id`, `action` (exact, or a prefix ' +
      'ending with `*` such as `auth.*`), `entity_type`, `entity_id`, and `date_from` / ' +
      '`date_to` (ISO 8601 date-times, both inclusive to the millisecond; UTC when no offset ' +
      'is given; a date without a time is 422). Order: `occurred_at` newest first, then `id`. `total` counts ' +
      'the same filters within your scope.',
  })
  @ApiPageResponse(AuditEventDto)
  @ApiProblems(422)
  list(
    @CurrentUser() caller: AuthUser,
    @Query() query: ListAuditQuery,
  ): Promise<Page<AuditEventDto>> {
    return this.audit.list(caller, query);
  }
}
