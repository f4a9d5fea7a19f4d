import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import type { AuthUser } from '../common/auth/auth-user';
import { AuditEvent } from './audit-event.entity';

export interface AuditActor {
  id: string | null;
  name: string | null;
  role: string | null;
}

export interface AuditRecord {
  action: string;
  entityType?: string;
  entityId?: string | null;
  branchId?: string | null;
  departmentId?: string | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  details?: Record<string, unknown>;
  /** Defaults to the authenticated caller of the current request. */
  actor?: AuditActor;
}

/**
 * The only writer of audit_events. It writes through the caller's transaction when one is
 * active (so an event exists exactly when the change it describes was committed), and takes
 * the actor, request id and IP from the current request.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
  ) {}

  async record(event: AuditRecord): Promise<void> {
    const actor = event.actor ?? this.currentActor();
    await this.txHost.tx.getRepository(AuditEvent).insert({
      actorId: actor.id,
      actorName: actor.name,
      actorRole: actor.role,
      action: event.action,
      entityType: event.entityType ?? null,
      entityId: event.entityId ?? null,
      branchId: event.branchId ?? null,
      departmentId: event.departmentId ?? null,
      fromStatus: event.fromStatus ?? null,
      toStatus: event.toStatus ?? null,
      details: event.details ?? {},
      requestId: this.cls.isActive() ? (this.cls.get<string>('requestId') ?? null) : null,
      ip: this.cls.isActive() ? (this.cls.get<string>('ip') ?? null) : null,
    });
  }

  private currentActor(): AuditActor {
    const user = this.cls.isActive() ? this.cls.get<AuthUser | undefined>('user') : undefined;
    return user
      ? { id: user.id, name: user.username || null, role: user.role }
      : { id: null, name: null, role: null };
  }
}
