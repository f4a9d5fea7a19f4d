import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes of `GET /dashboard/stats` (issue 13, docs/dashboard-stats.md):
 * - `customer_applications_returned_draft_idx`: the drafts that were returned for changes, by
 *   owner (`my_queue.returned_to_me`). There is no "returned" status: an application reaches
 *   `draft` again only through `return`, and `submitted_at`, set by submit, is never cleared, so
 *   a draft with a `submitted_at` is a returned one. Partial: it holds only those drafts (none
 *   in a fresh book), so the count is an index-only scan of a few entries instead of reading the
 *   heap rows of every draft of the owner;
 * - `files_application_size_idx`: the files of an application with their sizes, so that the
 *   `files` totals of a scope that holds few applications (an officer, a viewer) are index-only
 *   probes per application instead of a scan of every file.
 */
export class DashboardStatsIndexes1765000200000 implements MigrationInterface {
  name = 'DashboardStatsIndexes1765000200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX customer_applications_returned_draft_idx ON customer_applications (user_id)
        WHERE status = 'draft' AND submitted_at IS NOT NULL`);
    await db.query(`
      CREATE INDEX files_application_size_idx ON files (application_id) INCLUDE (file_size)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX files_application_size_idx`);
    await db.query(`DROP INDEX customer_applications_returned_draft_idx`);
  }
}
