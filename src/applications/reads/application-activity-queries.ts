/**
 * Read-only queries over the audit trail of the applications a caller may see, for the
 * dashboard (issue 13): their events (the union of the `/applications/{id}/history` the caller
 * may read), the decisions of a period, and the time applications spend in each stage. Like
 * `history` (application-reads.service.ts), they read `audit_events` through its entity, and
 * join the events to `customer_applications` under the caller's scope (application-scope.ts):
 * whatever branch an event row names, only applications in scope count, and the events of a
 * deleted application (whose history is gone) never do. Plain functions over the caller's
 * EntityManager, so they run in the caller's transaction.
 *
 * Events name their application by `entity_id` (text); the joins cast it to uuid, which every
 * application event written by the server is (the id of the row it describes).
 *
 * A status change is an event with `to_status` set and different from `from_status`: creation
 * (→ draft), submit, each transition. Priority changes and reassignments keep the status and are
 * left out. The indexes of migration DashboardActivityIndexes cover exactly these events.
 */
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuditEvent } from '../../audit/audit-event.entity';
import type { RecordScope } from '../../common/auth/record-scope';
import { WORKFLOW_STAGES } from '../../enums/code-enums';
import { applicationScopeCondition } from '../application-scope';

/** The stages whose time the turnaround measures: the workflow stages, then approved until disbursed. */
export const TURNAROUND_STAGES = [
  ...WORKFLOW_STAGES.map((stage) => stage.value),
  'approved',
] as const;
export type TurnaroundStage = (typeof TURNAROUND_STAGES)[number];

/** The statuses of a decision. */
const DECISIONS = `('approved', 'rejected')`;
/** The action of a submit (the first one starts the end-to-end time). */
const SUBMIT_ACTION = 'application.submit';
/** The action of a delete (applications.service.ts writes it with the row's removal). */
const DELETE_ACTION = 'application.deleted';

/** The predicate of the partial indexes on status changes, written as they are. */
function statusChanges(alias: string): string {
  return (
    `${alias}.entity_type = 'application' AND ${alias}.to_status IS NOT NULL ` +
    `AND ${alias}.from_status IS DISTINCT FROM ${alias}.to_status`
  );
}

/** Application `a` is the one the event names, and in the scope (and in `branchId` if given). */
function applicationOf(
  event: string,
  scope: RecordScope,
  branchId: string | null = null,
): { sql: string; params: Record<string, string> } {
  const parts = [`a.id = CAST(${event}.entity_id AS uuid)`];
  const condition = applicationScopeCondition(scope, 'a');
  if (condition) parts.push(condition.sql);
  const params = { ...condition?.params };
  if (branchId) {
    parts.push('a.branch_id = :activityBranch');
    params.activityBranch = branchId;
  }
  return { sql: parts.join(' AND '), params };
}

function auditEvents(manager: EntityManager, alias: string): SelectQueryBuilder<AuditEvent> {
  return manager.getRepository(AuditEvent).createQueryBuilder(alias);
}

/**
 * The newest events of applications in `scope` at or after `since`, at most `limit`, newest
 * first (then id). Newest first along audit_events_occurred_at_idx, each event checked against
 * its application by primary key, until `limit` are found.
 */
export function applicationEventsSince(
  manager: EntityManager,
  scope: RecordScope,
  since: Date,
  limit: number,
): Promise<AuditEvent[]> {
  const application = applicationOf('event', scope);
  return auditEvents(manager, 'event')
    .where(`event.entity_type = 'application'`)
    .andWhere('event.occurred_at >= :since', { since })
    .andWhere(
      `EXISTS (SELECT 1 FROM customer_applications a WHERE ${application.sql})`,
      application.params,
    )
    .orderBy('event.occurredAt', 'DESC')
    .addOrderBy('event.id', 'DESC')
    .limit(limit)
    .getMany();
}

/** The decisions (status changes to approved or rejected) of a period, numbers as text. */
export interface DecisionFigures {
  decisions: number;
  approved: number;
  /** Mean seconds from the application's first submit to the decision; null when none. */
  average_seconds: string | null;
}

/**
 * The decisions on applications in `scope` with `from <= occurred_at <= to`: a range of
 * audit_events_status_changes_time_idx, each joined to its application by primary key, and for
 * each its first submit through audit_events_status_changes_idx. The mean is numeric (text).
 */
export async function decisionFigures(
  manager: EntityManager,
  scope: RecordScope,
  from: Date,
  to: Date,
): Promise<DecisionFigures> {
  const application = applicationOf('d', scope);
  const firstSubmit = auditEvents(manager, 's')
    .select('min(s.occurred_at)')
    .where(statusChanges('s'))
    .andWhere('s.entity_id = d.entity_id')
    .andWhere('s.action = :submitAction')
    .getQuery();
  const row = await auditEvents(manager, 'd')
    .select('count(*)::int', 'decisions')
    .addSelect(`(count(*) FILTER (WHERE d.to_status = 'approved'))::int`, 'approved')
    .addSelect(`avg(extract(epoch FROM d.occurred_at - (${firstSubmit})))::text`, 'average_seconds')
    .where(statusChanges('d'))
    .andWhere(`d.to_status IN ${DECISIONS}`)
    .andWhere('d.occurred_at >= :from AND d.occurred_at <= :to', { from, to })
    .andWhere(
      `EXISTS (SELECT 1 FROM customer_applications a WHERE ${application.sql})`,
      application.params,
    )
    .setParameter('submitAction', SUBMIT_ACTION)
    .getRawOne<DecisionFigures>();
  return row ?? { decisions: 0, approved: 0, average_seconds: null };
}

/** A period of whole days in a time zone: [date_from 00:00, date_to + 1 day 00:00). */
export interface DayPeriod {
  dateFrom: string;
  dateTo: string;
  timeZone: string;
}

/** Count and [median, p90] of the seconds, per stage and end to end (null seconds when count 0). */
export type TurnaroundRow = Record<`${TurnaroundStage | 'end_to_end'}_count`, number> &
  Record<`${TurnaroundStage | 'end_to_end'}_seconds`, [number, number] | null>;

const PERIOD_START = `(CAST(:dateFrom AS date)::timestamp AT TIME ZONE :timeZone)`;
const PERIOD_END = `((CAST(:dateTo AS date) + 1)::timestamp AT TIME ZONE :timeZone)`;
const IN_PERIOD = (column: string) => `${column} >= ${PERIOD_START} AND ${column} < ${PERIOD_END}`;

/**
 * The time applications in `scope` (and in `branchId` if given) spent in each stage, and from
 * their first submit to their decision, over the visits that ended in `period`.
 *
 * A visit of a stage runs from the status change that enters it to the next status change of
 * the application (lead() over its changes in time order, then id): whatever left the stage
 * (the next stage, a reject, a return, a withdrawal). Visits not left yet have no end and count
 * nowhere here. The visits of one application to one stage that ended in the period are summed
 * (a return and resubmission counts its second review with the first). A submit that went
 * straight to initial_review (auto-assignment: one event draft → initial_review) made no visit
 * to `submitted`. End to end: from the first submit to the decision (approved or rejected), for
 * the applications decided in the period.
 *
 * Only the applications that changed status in the period can have a visit ending in it: their
 * ids come from a range of audit_events_status_changes_time_idx, joined to the applications in
 * scope (customer_applications_scope_ids_idx), or for a caller who sees them all without a
 * branch filter, less the deleted ones (their `application.deleted` events, through
 * audit_events_action_idx); their changes are then read in
 * order from audit_events_status_changes_idx (`entity_id = ANY(...)`, one index pass). Exact
 * percentiles (percentile_cont) over the seconds, median and p90 in one sort per stage.
 */
export async function stageTurnaround(
  manager: EntityManager,
  scope: RecordScope,
  period: DayPeriod,
  branchId: string | null,
): Promise<TurnaroundRow> {
  const application = applicationOf('c', scope, branchId);
  const changed = auditEvents(manager, 'w')
    .select('DISTINCT w.entity_id', 'entity_id')
    .where(statusChanges('w'))
    .andWhere(IN_PERIOD('w.occurred_at'))
    .getQuery();
  const deleted = auditEvents(manager, 'x')
    .select('1')
    .where(`x.entity_type = 'application' AND x.action = :deletedAction`)
    .andWhere('x.entity_id = c.entity_id')
    .getQuery();
  // A caller who sees every application sees every one that exists: those without the event
  // each delete writes in its transaction (a few ids, instead of a pass over all 100k).
  const inScope =
    scope.kind === 'all' && !branchId
      ? `WHERE NOT EXISTS (${deleted})`
      : `JOIN customer_applications a ON ${application.sql}`;
  const changes = auditEvents(manager, 'e')
    .select('e.entity_id', 'entity_id')
    .addSelect('e.action', 'action')
    .addSelect('e.to_status', 'to_status')
    .addSelect('e.occurred_at', 'entered_at')
    .addSelect(
      'lead(e.occurred_at) OVER (PARTITION BY e.entity_id ORDER BY e.occurred_at, e.id)',
      'left_at',
    )
    .where(statusChanges('e'))
    .andWhere(`e.entity_id = ANY (ARRAY(SELECT c.entity_id FROM (${changed}) c ${inScope}))`)
    .getQuery();
  // Each visit's time when it ended in the period; only the rows the figures read go on.
  const visits =
    `SELECT v.entity_id, v.action, v.to_status, v.entered_at, ` +
    `CASE WHEN ${IN_PERIOD('v.left_at')} THEN v.left_at - v.entered_at END AS spent ` +
    `FROM (${changes}) v`;
  const decided = `min(m.entered_at) FILTER (WHERE m.to_status IN ${DECISIONS})`;
  const firstSubmit = `min(m.entered_at) FILTER (WHERE m.action = :submitAction)`;
  const perApplication = [
    ...TURNAROUND_STAGES.map(
      (stage, index) => `sum(m.spent) FILTER (WHERE m.to_status = :stage${index}) AS ${stage}`,
    ),
    `CASE WHEN ${IN_PERIOD(decided)} THEN ${decided} - ${firstSubmit} END AS end_to_end`,
  ];
  const wanted = `m.spent IS NOT NULL OR m.to_status IN ${DECISIONS} OR m.action = :submitAction`;
  const figures = [...TURNAROUND_STAGES, 'end_to_end'].flatMap((stage) => [
    `count(p.${stage})::int AS ${stage}_count`,
    `percentile_cont(ARRAY[0.5, 0.9]::float8[]) ` +
      `WITHIN GROUP (ORDER BY extract(epoch FROM p.${stage})::float8) AS ${stage}_seconds`,
  ]);
  const row = await manager
    .createQueryBuilder()
    .select(figures)
    .from(
      `(SELECT ${perApplication.join(', ')} FROM (${visits}) m WHERE ${wanted} ` +
        `GROUP BY m.entity_id)`,
      'p',
    )
    .setParameters({
      ...application.params,
      ...Object.fromEntries(TURNAROUND_STAGES.map((stage, index) => [`stage${index}`, stage])),
      submitAction: SUBMIT_ACTION,
      deletedAction: DELETE_ACTION,
      dateFrom: period.dateFrom,
      dateTo: period.dateTo,
      timeZone: period.timeZone,
    })
    .getRawOne<TurnaroundRow>();
  return row!;
}

/**
 * How many applications in `scope` (and `branchId` if given) are now in each of `statuses`,
 * from application_stats_summary (kept in the transaction of every write, so exact): the visits
 * not left yet. Statuses with none are absent.
 */
export async function countNowIn(
  manager: EntityManager,
  scope: RecordScope,
  statuses: readonly string[],
  branchId: string | null,
): Promise<Map<string, number>> {
  const qb = manager
    .createQueryBuilder()
    .from('application_stats_summary', 's')
    .select('s.status', 'status')
    .addSelect('sum(s.applications)::int', 'count')
    .where('s.status IN (:...statuses)', { statuses })
    .groupBy('s.status');
  const condition = applicationScopeCondition(scope, 's');
  if (condition) qb.andWhere(condition.sql, condition.params);
  if (branchId) qb.andWhere('s.branch_id = :branchId', { branchId });
  const rows = await qb.getRawMany<{ status: string; count: number }>();
  return new Map(rows.map((row) => [row.status, row.count]));
}
