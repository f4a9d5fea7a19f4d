import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  applicationEventsSince,
  countNowIn,
  decisionFigures,
  stageTurnaround,
  TURNAROUND_STAGES,
} from '../applications/reads/application-activity-queries';
import { todayIn } from '../applications/lifecycle/loan-term';
import type { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import { hasPermission } from '../common/auth/permissions';
import { recordScopeOf } from '../common/auth/record-scope';
import { ValidationProblem } from '../common/http/problem';
import { WORKFLOW_STAGES } from '../enums/code-enums';
import { SettingsService } from '../settings/settings.service';
import { countUsersSignedInToday } from '../users/user-queries';
import { listableUsersOf } from '../users/user-rules';
import { daysOf, hoursOf, percentageOf, turnaroundPeriod } from './activity-figures';
import { describeActivity } from './activity-text';
import type {
  ActivityEventDto,
  ActivityType,
  PerformanceMetricsDto,
  TurnaroundDto,
  TurnaroundFiguresDto,
  TurnaroundQuery,
} from './dto/dashboard-activity.dto';

/** The most events the timeline shows. */
export const TIMELINE_LIMIT = 100;
const DAY_MS = 86_400_000;
/** The window of the performance metrics. */
const METRICS_DAYS = 30;

/**
 * What the dashboard shows of the work done (SPEC §7 "Dashboard", issue 13): the activity
 * timeline, the performance metrics and the stage turnaround. Every figure is read, scoped to the
 * caller, through the query functions the owning modules export: applications for the events of
 * the applications in scope (application-activity-queries.ts), the audit service for the rest of
 * the log, users for sign-ins.
 */
@Injectable()
export class DashboardActivityService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
  ) {}

  /**
   * The newest events (at most 100) of the last `days` days: the events of the applications
   * the caller may see (exactly those their histories show) and, for callers who may read the
   * audit log, the other events of the log within their audit scope (type `user`).
   */
  async timeline(caller: AuthUser, days: number): Promise<ActivityEventDto[]> {
    const since = new Date(Date.now() - days * DAY_MS);
    const [applicationEvents, otherEvents] = await Promise.all([
      applicationEventsSince(this.txHost.tx, recordScopeOf(caller), since, TIMELINE_LIMIT),
      hasPermission(caller.role, 'audit:read')
        ? this.audit.latest(caller, since, TIMELINE_LIMIT, 'application')
        : Promise.resolve([]),
    ]);
    const typed = [
      ...applicationEvents.map((event) => ({ event, type: 'application' as const })),
      ...otherEvents.map((event) => ({ event, type: 'user' as const })),
    ];
    typed.sort((a, b) => newestFirst(a.event, b.event));
    return typed.slice(0, TIMELINE_LIMIT).map(({ event, type }) => toActivityEvent(event, type));
  }

  /** Decisions of the last 30 days and sign-ins of today, in the caller's scopes. */
  async performance(caller: AuthUser): Promise<PerformanceMetricsDto> {
    const to = new Date();
    const from = new Date(to.getTime() - METRICS_DAYS * DAY_MS);
    const manager = this.txHost.tx;
    const timeZone = await this.settings.get('timezone');
    const [decided, activeToday] = await Promise.all([
      decisionFigures(manager, recordScopeOf(caller), from, to),
      countUsersSignedInToday(manager, listableUsersOf(caller), timeZone),
    ]);
    return {
      applications_processed_30d: decided.decisions,
      average_processing_time_days: daysOf(decided.average_seconds),
      approval_rate_percentage: percentageOf(decided.approved, decided.decisions),
      active_users_today: activeToday,
    };
  }

  /** Time per stage and end to end over the visits that ended in the period (see the queries). */
  async turnaround(caller: AuthUser, query: TurnaroundQuery): Promise<TurnaroundDto> {
    const timeZone = await this.settings.get('timezone');
    const period = turnaroundPeriod(todayIn(timeZone), query);
    // Both given: the query's own check (NotBeforeDateFrom). date_to defaulted to today:
    if (period.date_from > period.date_to) {
      throw new ValidationProblem([
        {
          loc: ['query', 'date_from'],
          msg: `must not be after date_to (default: today, ${period.date_to})`,
          type: 'date_range',
        },
      ]);
    }
    const branchId = query.branch_id ?? null;
    const scope = recordScopeOf(caller);
    const manager = this.txHost.tx;
    const [row, now] = await Promise.all([
      stageTurnaround(
        manager,
        scope,
        { dateFrom: period.date_from, dateTo: period.date_to, timeZone },
        branchId,
      ),
      countNowIn(manager, scope, TURNAROUND_STAGES, branchId),
    ]);
    const openUnderway = WORKFLOW_STAGES.reduce(
      (sum, stage) => sum + (now.get(stage.value) ?? 0),
      0,
    );
    return {
      ...period,
      branch_id: branchId,
      stages: TURNAROUND_STAGES.map((stage) => ({
        stage,
        ...turnaroundFigures(row[`${stage}_count`], row[`${stage}_seconds`], now.get(stage) ?? 0),
      })),
      end_to_end: turnaroundFigures(row.end_to_end_count, row.end_to_end_seconds, openUnderway),
    };
  }
}

function turnaroundFigures(
  count: number,
  seconds: readonly [number, number] | null,
  open: number,
): TurnaroundFiguresDto {
  return {
    count,
    open,
    median_hours: count > 0 ? hoursOf(seconds?.[0]) : null,
    p90_hours: count > 0 ? hoursOf(seconds?.[1]) : null,
  };
}

/** The timeline's order: the audit log's (occurred_at, then id, both descending). */
function newestFirst(a: AuditEvent, b: AuditEvent): number {
  const byTime = b.occurredAt.getTime() - a.occurredAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function toActivityEvent(event: AuditEvent, type: ActivityType): ActivityEventDto {
  const { title, description } = describeActivity({
    action: event.action,
    actorName: event.actorName,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    details: event.details,
  });
  return {
    id: event.id,
    type,
    action: event.action,
    title,
    description,
    status: event.toStatus,
    timestamp: event.occurredAt.toISOString(),
    user_id: event.actorId,
  };
}
