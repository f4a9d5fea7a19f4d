import { ApiProperty } from '@nestjs/swagger';
import type { AuditEvent } from '../audit-event.entity';

/** One audit event, as `GET /audit` lists it. */
export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurred_at: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null for the system and anonymous callers (failed sign-ins)',
  })
  actor_id: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Copied when the event was written' })
  actor_name: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Copied when the event was written' })
  actor_role: string | null;
  @ApiProperty({ example: 'user.updated' }) action: string;
  @ApiProperty({ nullable: true, type: String, example: 'user' }) entity_type: string | null;
  @ApiProperty({ nullable: true, type: String }) entity_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) branch_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) department_id: string | null;
  @ApiProperty({ nullable: true, type: String }) from_status: string | null;
  @ApiProperty({ nullable: true, type: String }) to_status: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What changed, and why' })
  details: object;
  @ApiProperty({ nullable: true, type: String, description: 'X-Request-Id of the request' })
  request_id: string | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
}

export function toAuditEventDto(event: AuditEvent): AuditEventDto {
  return {
    id: event.id,
    occurred_at: event.occurredAt.toISOString(),
    actor_id: event.actorId,
    actor_name: event.actorName,
    actor_role: event.actorRole,
    action: event.action,
    entity_type: event.entityType,
    entity_id: event.entityId,
    branch_id: event.branchId,
    department_id: event.departmentId,
    from_status: event.fromStatus,
    to_status: event.toStatus,
    details: event.details,
    request_id: event.requestId,
    ip: event.ip,
  };
}
