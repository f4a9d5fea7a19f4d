import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit events that change an application's status: what the stage times are made of. */
const STATUS_CHANGES =
  `entity_type = 'application' AND to_status IS NOT NULL ` +
  `AND from_status IS DISTINCT FROM to_status`;

/**
 * Indexes of the dashboard's activity figures (issue 13; applications/reads/
 * application-activity-queries.ts):
 * - `audit_events_status_changes_idx`: each application's status changes in order (entity_id,
 *   occurred_at, id), with from/to status and action included, so that the turnaround's lead()
 *   over one application's changes reads them from the index, in order, without a sort or a heap
 *   visit (the table is append-only, so its pages stay all-visible after a vacuum). Partial: the
 *   creations, submissions and transitions only, not the edits, downloads, priority changes and
 *   reassignments (same status before and after), nor the events of other entities;
 * - `audit_events_status_changes_time_idx`: the same events by time, with the application and
 *   the statuses included: the turnaround's period (which applications left a stage in it) and
 *   the decisions of the last 30 days (performance metrics) are a range of it;
 * - `customer_applications_scope_ids_idx`: the four scope columns with the id included, so that
 *   the ids of the applications in a caller's scope are an index-only scan (10 MB per 100,000
 *   applications) instead of a scan of the table (about 150 MB).
 * Plain CREATE INDEX (migrations run in a transaction): writes wait while they build, about a
 * second per 100,000 applications and their events.
 */
export class DashboardActivityIndexes1765000300000 implements MigrationInterface {
  name = 'DashboardActivityIndexes1765000300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX audit_events_status_changes_idx ON audit_events (entity_id, occurred_at, id)
        INCLUDE (from_status, to_status, action) WHERE ${STATUS_CHANGES}`);
    await db.query(`
      CREATE INDEX audit_events_status_changes_time_idx ON audit_events (occurred_at)
        INCLUDE (entity_id, from_status, to_status) WHERE ${STATUS_CHANGES}`);
    await db.query(`
      CREATE INDEX customer_applications_scope_ids_idx ON customer_applications
        (branch_id, department_id, user_id, assigned_reviewer) INCLUDE (id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX customer_applications_scope_ids_idx`);
    await db.query(`DROP INDEX audit_events_status_changes_time_idx`);
    await db.query(`DROP INDEX audit_events_status_changes_idx`);
  }
}
