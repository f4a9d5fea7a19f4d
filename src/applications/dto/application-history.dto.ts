import { OmitType, ApiSchema } from '@nestjs/swagger';
import type { AuditEvent } from '../../audit/audit-event.entity';
import { AuditEventDto, toAuditEventDto } from '../../audit/dto/audit-event.dto';

/**
 * One event of `GET /applications/{id}/history`: an audit event without the actor's IP
 * address, since everyone who may see the application (officers and viewers included) reads
 * its history, while IP addresses stay in the audit log of managers and admins.
 */
@ApiSchema({ name: 'ApplicationHistoryEvent' })
export class ApplicationHistoryEventDto extends OmitType(AuditEventDto, ['ip'] as const) {}

export function toApplicationHistoryEvent(event: AuditEvent): ApplicationHistoryEventDto {
  const { ip: _ip, ...rest } = toAuditEventDto(event);
  return rest;
}
