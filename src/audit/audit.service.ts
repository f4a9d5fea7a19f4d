import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import type { AuthUser } from '../common/auth/auth-user';
import { type Page, pageOf, pageWindow } from '../common/http/pagination';
import { ValidationProblem } from '../common/http/problem';
import { escapeLike } from '../common/escape-like';
import { AuditEvent } from './audit-event.entity';
import { auditScopeOf } from './audit-scope';
import { type AuditEventDto, toAuditEventDto } from './dto/audit-event.dto';
import type { ListAuditQuery } from './dto/list-audit.query';

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

/** The filters of `GET /audit` (the page fields are not needed to build the query). */
export type AuditFilters = Omit<ListAuditQuery, 'page' | 'size'>;

/**
 * The only writer of audit_events. It writes through the caller's transaction when one is
 * active (so an event exists exactly when the change it describes was committed), and takes
 * the actor, request id and IP from the current request. Also reads the log for `GET /audit`,
 * within the caller's scope (audit-scope.ts).
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

  /** A page of the events the caller may read, newest first; the total counts the same filters. */
  async list(caller: AuthUser, query: ListAuditQuery): Promise<Page<AuditEventDto>> {
    const [events, count] = await Promise.all([
      this.pageQuery(caller, query).getMany(),
      this.filteredQuery(caller, query)
        .select('count(*)::int', 'total')
        .getRawOne<{ total: number }>(),
    ]);
    return pageOf(events.map(toAuditEventDto), count?.total ?? 0, query);
  }

  /**
   * The rows of one page, in the order of audit_events_occurred_at_idx (newest first, then id),
   * so that a page is a range of that index. Public so that a test can EXPLAIN it.
   */
  pageQuery(caller: AuthUser, query: ListAuditQuery): SelectQueryBuilder<AuditEvent> {
    const { skip, take } = pageWindow(query);
    return this.filteredQuery(caller, query)
      .orderBy('event.occurredAt', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .offset(skip)
      .limit(take);
  }

  /**
   * The newest events the caller may read that happened at or after `since`, at most `limit`,
   * newest first, leaving out the events of one record of `recordType` (entity_id set): the
   * module of those records reads them within its own record scope (the dashboard's timeline).
   */
  latest(caller: AuthUser, since: Date, limit: number, recordType: string): Promise<AuditEvent[]> {
    return this.filteredQuery(caller, { date_from: since })
      .andWhere('(event.entityType IS DISTINCT FROM :recordType OR event.entityId IS NULL)', {
        recordType,
      })
      .orderBy('event.occurredAt', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** The caller's scope and the filters, unordered. */
  filteredQuery(caller: AuthUser, filters: AuditFilters): SelectQueryBuilder<AuditEvent> {
    if (filters.date_from && filters.date_to && filters.date_to < filters.date_from) {
      throw new ValidationProblem([
        { loc: ['query', 'date_to'], msg: 'must not be before date_from', type: 'date_range' },
      ]);
    }
    const qb = this.txHost.tx.getRepository(AuditEvent).createQueryBuilder('event');
    const scope = auditScopeOf(caller);
    if (scope.kind === 'none') qb.andWhere('false');
    if (scope.kind === 'own') {
      qb.andWhere(
        new Brackets((where) => {
          where.where('event.actorId = :scopeActorId', { scopeActorId: scope.actorId });
          if (scope.branchId) {
            where.orWhere('event.branchId = :scopeBranchId', { scopeBranchId: scope.branchId });
          }
          if (scope.departmentId) {
            where.orWhere('event.departmentId = :scopeDepartmentId', {
              scopeDepartmentId: scope.departmentId,
            });
          }
        }),
      );
    }
    if (filters.actor_id) qb.andWhere('event.actorId = :actorId', { actorId: filters.actor_id });
    if (filters.action?.endsWith('*')) {
      const prefix = filters.action.slice(0, -1);
      if (prefix) {
        qb.andWhere(`event.action LIKE :actionPrefix ESCAPE '\\'`, {
          actionPrefix: `${escapeLike(prefix)}%`,
        });
      }
    } else if (filters.action) {
      qb.andWhere('event.action = :action', { action: filters.action });
    }
    if (filters.entity_type) {
      qb.andWhere('event.entityType = :entityType', { entityType: filters.entity_type });
    }
    if (filters.entity_id) {
      qb.andWhere('event.entityId = :entityId', { entityId: filters.entity_id });
    }
    if (filters.date_from) {
      qb.andWhere('event.occurredAt >= :dateFrom', { dateFrom: filters.date_from });
    }
    if (filters.date_to) {
      // Times travel with milliseconds; the column keeps microseconds. An event shown as
      // 10:00:00.123Z (stored .123456) must match date_to=10:00:00.123Z: include that millisecond.
      qb.andWhere('event.occurredAt < :dateToExclusive', {
        dateToExclusive: new Date(filters.date_to.getTime() + 1),
      });
    }
    return qb;
  }

  private currentActor(): AuditActor {
    const user = this.cls.isActive() ? this.cls.get<AuthUser | undefined>('user') : undefined;
    return user
      ? { id: user.id, name: user.username || null, role: user.role }
      : { id: null, name: null, role: null };
  }
}
